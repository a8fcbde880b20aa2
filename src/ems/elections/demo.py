"""Demo data for the elections pages: one upcoming ordinary local election with a ballot per ward.

Idempotent: running it again finds the election it made and changes nothing. The poll is on
the next ordinary day of election (the first Thursday in May) at least eight weeks away, so the
timetable is still ahead; seats cycle 1, 2, 3 across the wards so multi-member ballots appear.
Called by ``ems demo-elections`` (after ``ems demo-data`` has made the wards).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ems.core.models import Authority
from ems.geography.models import AreaType, ElectoralArea

from . import ids, services
from .models import ElectionGroup

LEAD_TIME = dt.timedelta(weeks=8)


def ordinary_day_of_election(year: int) -> dt.date:
    """The first Thursday in May (LGA 1972 s.37 as amended; elections.md §1 "ordinary day of election")."""
    first = dt.date(year, 5, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7)


def next_ordinary_day(today: dt.date) -> dt.date:
    day = ordinary_day_of_election(today.year)
    if day < today + LEAD_TIME:
        day = ordinary_day_of_election(today.year + 1)
    return day


def demo_elections(
    authority: Authority, *, acting_user: Any = None, today: dt.date | None = None
) -> tuple[ElectionGroup, bool]:
    """The demo election for ``authority``, creating it if needed. Returns (election, created)."""
    poll_date = next_ordinary_day(today or timezone.localdate())
    existing = ElectionGroup.objects.filter(authority=authority, dc_group_id=ids.group_id("local", poll_date)).first()
    if existing is not None:
        return existing, False
    wards = list(ElectoralArea.objects.filter(authority=authority, area_type=AreaType.WARD).order_by("name"))
    if not wards:
        raise ValueError(f"{authority} has no wards yet: load the demo register first (ems demo-data)")
    group = services.election_group_create(
        acting_user=acting_user,
        authority=authority,
        election_type="local",
        nation=authority.nation,
        poll_date=poll_date,
        ballots=[services.BallotSpec(area=ward, seats=1 + i % 3) for i, ward in enumerate(wards)],
        name=f"{authority.name} elections {poll_date.day} {poll_date:%B %Y} (demo)",
    )
    return group, True
