"""The service areas from PRODUCT.md, shown in the service navigation.

An area that is not built yet still has a page that says so, so officers see the whole map.
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from ems.accounts.roles import Permission


@dataclass(frozen=True)
class Area:
    slug: str
    label: str
    permission: Permission
    url_name: str | None = None  # None: not available yet
    summary: str = ""


AREAS: tuple[Area, ...] = (
    Area(
        "register",
        "Register",
        Permission.VIEW_REGISTER,
        "register:home",
        "Properties, electors, alterations and notices",
    ),
    Area("applications", "Applications", Permission.VIEW_REGISTER, None, "Individual electoral registration"),
    Area("absent-voting", "Absent voting", Permission.VIEW_REGISTER, None, "Postal and proxy votes"),
    Area("canvass", "Canvass", Permission.VIEW_CANVASS, None, "The annual canvass"),
    Area("elections", "Elections", Permission.VIEW_ELECTIONS, "elections:home", "Polls, timetables and nominations"),
    Area("polling", "Polling stations", Permission.VIEW_ELECTIONS, "polling:home", "Venues, staffing and packs"),
    Area("count", "Count", Permission.VIEW_ELECTIONS, "counting:home", "Verification, count and results"),
    Area("staff", "Staff", Permission.VIEW_STAFF, None, "Recruitment, appointments and pay"),
    Area("jobs", "Jobs", Permission.VIEW_JOBS, "jobs:list", "Long-running work and downloads"),
    Area("audit", "Audit", Permission.VIEW_AUDIT, "audit:list", "Every change, by record, user and day"),
)


def area_href(area: Area) -> str:
    return reverse(area.url_name or f"core:area-{area.slug}")


def service_navigation(request: HttpRequest, current: str = "") -> list[dict[str, Any]]:
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    for area in AREAS:
        if not user.has_ems_permission(area.permission):
            continue
        items.append({"href": area_href(area), "text": area.label, "active": area.slug == current})
    return items
