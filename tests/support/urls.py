"""Every URL pattern of the project, with path parameters filled from an authority's records.

The role matrix, tenancy and malformed-request tests walk this list, so a new view is covered
the moment its URL is added. A pattern whose parameters cannot be filled fails the tests:
teach ``World.value_for`` about the new parameter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from ems.core import services as core_services
from ems.core.models import Authority
from ems.counting import services as counting
from ems.elections import services as elections
from ems.geography.models import AreaType, ElectoralArea, PollingDistrict
from ems.jobs.models import JobRun, JobState
from ems.register import services_alterations as alterations
from ems.register import services_supply_sale as supply_sale
from ems.register.models import Property

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "jobs/<int:job_id>/"
    name: str
    callback: Callable[..., Any]

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in PARAM.finditer(self.route)]

    def fill(self, values: dict[str, Any]) -> str:
        return "/" + PARAM.sub(lambda m: str(values[m.group("name")]), self.route)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield Route(prefix + str(entry.pattern), name, entry.callback)


def project_routes() -> list[Route]:
    """Our routes; the Django admin is tested separately (it has its own staff check)."""
    return [r for r in _walk(get_resolver().url_patterns) if not r.route.startswith("django-admin/")]


def admin_routes() -> list[Route]:
    return [r for r in _walk(get_resolver().url_patterns) if r.route.startswith("django-admin/")]


class World:
    """Records of one authority that URLs can point at."""

    def __init__(self, authority: Authority, marker: str) -> None:
        self.authority = authority
        self.marker = marker  # a string that only this authority's pages contain
        files_dir = Path(settings.JOB_FILES_DIR)
        files_dir.mkdir(parents=True, exist_ok=True)
        result = files_dir / f"test-{authority.gss_code}.csv"
        result.write_text(f"secret,{marker}\n")
        self.job = JobRun.objects.create(
            authority=authority,
            kind=f"test.{marker}",
            state=JobState.SUCCEEDED,
            done=10,
            total=10,
            stage=marker,
            result_files=[{"name": f"{marker}.csv", "path": result.name}],
            finished_at=timezone.now(),
        )
        # A small register: a ward, a polling district, a property and one elector (added by the
        # service, so there is an alteration, an audit row and a draft notice too).
        ward = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name=f"{marker} ward")
        self.district = PollingDistrict.objects.create(authority=authority, code="ZZ", name=marker, ward=ward)
        self.property = Property.objects.create(
            authority=authority,
            uprn=990000000001,
            address_1=f"1 {marker} Street",
            postcode="ZZ1 1ZZ",
            polling_district=self.district,
        )
        self.elector = alterations.elector_add(
            acting_user=None,
            authority=authority,
            polling_district=self.district,
            property=self.property,
            first_names="Wendy",
            surname=marker,
            reason=f"World {marker}",
        )
        notice = self.elector.alterations.get().notice
        assert notice is not None
        self.notice = notice
        self.supply = supply_sale.supply_request_create(
            acting_user=None, authority=authority, recipient_name=f"{marker} Party", entitlement="political_party",
            document="full", form="data", as_at=notice.effective_date,
        )  # fmt: skip
        supply_sale.supply_request_deliver(acting_user=None, request=self.supply)
        # An election: one ballot in the ward, its notice published, and a candidate whose paper the
        # world's elector subscribed (polling day a Thursday about three months ahead, so nominations are open).
        poll_day = timezone.localdate() + dt.timedelta(days=90)
        poll_day += dt.timedelta(days=(3 - poll_day.weekday()) % 7)
        self.election = elections.election_group_create(
            acting_user=None, authority=authority, election_type="local", nation=authority.nation, poll_date=poll_day,
            ballots=[elections.BallotSpec(area=ward, seats=1)], name=f"{marker} election",
        )  # fmt: skip
        elections.election_notice_publish(acting_user=None, group=self.election)
        self.ballot = self.election.ballots.get()
        self.candidate = elections.candidate_nominate(
            acting_user=None, ballot=self.ballot, surname=marker, other_names="Cara", home_address=f"2 {marker} Street",
            subscribers=[elections.SubscriberEntry(self.elector.elector_number_display, "Wendy")],
        )  # fmt: skip
        self.paper = self.candidate.papers.get()
        self.timetable_entry = self.election.timetable.order_by("pk").first()
        self.calendar_day = core_services.calendar_day_add(
            acting_user=None, authority=authority, day=dt.date(2031, 6, 4), nations=["ENG"], reason=f"{marker} day"
        )
        # A ballot box registered for the count (boxes may be registered before polling day).
        self.box = counting.ballot_box_add(acting_user=None, ballot=self.ballot, label=f"{marker} box", bpa_issued=10)
        self._polling(authority, marker)

    def _polling(self, authority: Authority, marker: str) -> None:
        """The election's polling arrangements: a station with the district allotted to it, and a
        signed-off eligibility run (the world's elector is eligible)."""
        from ems.geography.models import PollingPlace, PollingStation
        from ems.polling import eligibility
        from ems.polling import services as polling
        from ems.polling.models import EligibilityRun

        place = PollingPlace.objects.create(authority=authority, code="P1", name=f"{marker} Hall", postcode="ZZ1 1ZZ")
        self.station = PollingStation.objects.create(
            authority=authority, code="S1", number="1", place=place, district=self.district
        )
        self.poll = polling.poll_open(acting_user=None, authority=authority, group=self.election)
        self.allocation = polling.station_allocation_set(
            acting_user=None, poll=self.poll, district=self.district, station=self.station
        )
        # Computed in place rather than as a job, so the world keeps exactly one JobRun.
        self.run = EligibilityRun.objects.create(
            authority=authority, poll=self.poll, number=1, poll_date=self.poll.poll_date
        )
        eligibility.compute(self.run)
        self.run.refresh_from_db()

    def value_for(self, route: Route, param: str) -> list[Any]:
        if param == "job_id":
            return [self.job.pk]
        if param == "index":
            return [0]
        if param == "elector_id":
            return [self.elector.pk]
        if param == "property_id":
            return [self.property.pk]
        if param == "notice_id":
            return [self.notice.pk]
        if param == "supply_id":
            return [self.supply.pk]
        if param == "election_id":
            return [self.election.pk]
        if param == "ballot_id":
            return [self.ballot.pk]
        if param == "candidate_id":
            return [self.candidate.pk]
        if param == "paper_id":
            return [self.paper.pk]
        if param == "entry_id":
            return [self.timetable_entry.pk]
        if param == "day_id":
            return [self.calendar_day.pk]
        if param == "box_id":
            return [self.box.pk]
        if param == "poll_id":
            return [self.poll.pk]
        if param == "run_id":
            return [self.run.pk]
        if param == "station_id":
            return [self.station.pk]
        if param == "allocation_id":
            return [self.allocation.pk]
        if param == "document":
            return ["sopn" if route.route.startswith("elections/ballots/") else "notice-of-election"]
        if param == "fmt":
            return ["docx"]
        raise LookupError(f"Teach tests/support/urls.py how to fill <{param}> in {route.route}")

    def urls(self) -> list[tuple[Route, str]]:
        out = []
        for route in project_routes():
            values = {p: self.value_for(route, p)[0] for p in route.params}
            out.append((route, route.fill(values)))
        return out
