"""The register panel on the dashboard."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ems.accounts.roles import Permission

from .selectors import register_summary_for_user


def register_panel(user: Any) -> dict[str, Any] | None:
    if not user.has_ems_permission(Permission.VIEW_REGISTER):
        return None
    f = register_summary_for_user(user)
    return {
        "title": _("Register"),
        "href": reverse("register:home"),
        "rows": [
            (_("Electors"), f"{f['electors']:,}"),
            (_("Properties"), f"{f['properties']:,}"),
            (_("Postal voters (incl. postal proxies)"), f"{f['postal']:,}"),
            (_("Proxy votes"), f"{f['proxy']:,}"),
            (_("Open register opt-outs"), f"{f['opted_out']:,}"),
            (_("Attainers"), f"{f['attainers']:,}"),
            (_("Special category electors"), f"{f['special']:,}"),
        ],
    }
