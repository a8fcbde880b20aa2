"""The jobs panel on the dashboard."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ems.accounts.roles import Permission

from .models import JobState
from .selectors import jobs_for_user


def jobs_panel(user: Any) -> dict[str, Any] | None:
    if not user.has_ems_permission(Permission.VIEW_JOBS):
        return None
    jobs = jobs_for_user(user)
    return {
        "title": _("Jobs"),
        "href": reverse("jobs:list"),
        "rows": [
            (_("Running or queued"), f"{jobs.filter(state__in=[JobState.QUEUED, JobState.RUNNING]).count():,}"),
            (_("Failed"), f"{jobs.filter(state=JobState.FAILED).count():,}"),
            (_("Finished"), f"{jobs.filter(state=JobState.SUCCEEDED).count():,}"),
        ],
    }
