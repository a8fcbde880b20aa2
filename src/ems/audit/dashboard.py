"""The audit panel on the dashboard: today's activity."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ems.accounts.roles import Permission

from .selectors import audit_events_for_user


def audit_panel(user: Any) -> dict[str, Any] | None:
    if not user.has_ems_permission(Permission.VIEW_AUDIT):
        return None
    today = timezone.localdate()
    events = audit_events_for_user(user, day=today)
    return {
        "title": _("Audit trail"),
        "href": reverse("audit:list") + f"?day={today.isoformat()}",
        "rows": [
            (_("Changes today"), f"{events.count():,}"),
            (_("Sign-ins today"), f"{events.filter(action__startswith='user.sign_in').count():,}"),
            (_("Failed sign-ins today"), f"{events.filter(action='user.sign_in.failed').count():,}"),
        ],
    }
