"""The elections panel on the dashboard: the next poll and its next deadline."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ems.accounts.roles import Permission

from . import selectors


def elections_panel(user: Any) -> dict[str, Any] | None:
    if not user.has_ems_permission(Permission.VIEW_ELECTIONS):
        return None
    today = timezone.localdate()
    upcoming = selectors.election_groups_for_user(user).filter(poll_date__gte=today).order_by("poll_date")
    rows: list[tuple[str, str]] = [(_("Upcoming elections"), f"{upcoming.count():,}")]
    nearest = upcoming.first()
    if nearest is not None:
        rows.append((_("Next polling day"), f"{nearest.poll_date.day} {nearest.poll_date:%B %Y}"))
        entry = nearest.timetable.filter(done_on=None, due_date__gte=today).order_by("due_date", "due_time").first()
        if entry is not None and entry.due_date is not None:
            rows.append((_("Next deadline"), f"{entry.label}: {entry.due_date.day} {entry.due_date:%B %Y}"))
    return {"title": _("Elections"), "href": reverse("elections:home"), "rows": rows}
