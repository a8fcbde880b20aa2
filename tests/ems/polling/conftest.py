"""A small authority for the polling tests: two wards, three polling districts, a local election
on Thursday 6 May 2027 (registration deadline Monday 19 April, final election notice of alteration
Wednesday 28 April: ``ems timetable local ENG 2027-05-06``) with a ballot per ward, and helpers to
add electors on a chosen date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from ems.elections import services as elections
from ems.elections.models import ElectionGroup
from ems.geography.models import AreaType, ElectoralArea, PollingDistrict, PollingPlace, PollingStation
from ems.jobs.runner import execute
from ems.polling import services
from ems.polling.models import EligibilityRun, Poll
from ems.register import services_alterations as alterations
from ems.register.models import Elector, NoticeKind, Property

POLL_DAY = dt.date(2027, 5, 6)
FREEZE = dt.date(2027, 4, 19)
FINAL_NOTICE = dt.date(2027, 4, 28)
REVISED = dt.date(2026, 12, 1)


@dataclass
class Place:
    authority: Any
    north: ElectoralArea
    south: ElectoralArea
    districts: dict[str, PollingDistrict]
    election: ElectionGroup
    poll: Poll
    stations: dict[str, PollingStation] = field(default_factory=dict)
    uprn: int = 100000000

    def ballot(self, area: ElectoralArea) -> Any:
        return self.election.ballots.get(area=area)

    def add(self, code: str, surname: str, on: dt.date = REVISED, *, notice: Any = None, **fields: Any) -> Elector:
        self.uprn += 1
        prop = Property.objects.create(
            authority=self.authority,
            uprn=self.uprn,
            address_1=f"{self.uprn % 1000} {surname} Street",
            postcode="AB1 2CD",
            polling_district=self.districts[code],
            walk_order=self.uprn,
        )
        return alterations.elector_add(
            acting_user=None, authority=self.authority, polling_district=self.districts[code], property=prop,
            first_names=fields.pop("first_names", "Sam"), surname=surname, reason="test",
            effective_date=None if notice else on, notice=notice, **fields,
        )  # fmt: skip

    def final_notice(self, area: ElectoralArea) -> Any:
        return alterations.notice_create(
            acting_user=None, authority=self.authority, kind=NoticeKind.FINAL_ELECTION, effective_date=FINAL_NOTICE,
            area=area,
        )  # fmt: skip

    def station(self, code: str, district: str) -> PollingStation:
        place = PollingPlace.objects.create(
            authority=self.authority, code=f"P{code}", name=f"{code} Village Hall", address_1=f"{code} Hall Lane",
            postcode="AB1 9ZZ", latitude=52.0, longitude=-1.5,
        )  # fmt: skip
        station = PollingStation.objects.create(
            authority=self.authority, code=code, number=code, place=place, district=self.districts[district]
        )
        self.stations[code] = station
        return station

    def run(self, user: Any = None) -> EligibilityRun:
        run = services.eligibility_run_start(acting_user=user, poll=self.poll, enqueue=False)
        assert execute(run.job_id) == "succeeded", run.job.errors if run.job else None
        run.refresh_from_db()
        return run


@pytest.fixture
def place(authority_a) -> Place:
    north = ElectoralArea.objects.create(authority=authority_a, area_type=AreaType.WARD, name="North")
    south = ElectoralArea.objects.create(authority=authority_a, area_type=AreaType.WARD, name="South")
    districts = {
        "NA": PollingDistrict.objects.create(authority=authority_a, code="NA", name="North A", ward=north),
        "NB": PollingDistrict.objects.create(authority=authority_a, code="NB", name="North B", ward=north),
        "SA": PollingDistrict.objects.create(authority=authority_a, code="SA", name="South A", ward=south),
    }
    election = elections.election_group_create(
        acting_user=None, authority=authority_a, election_type="local", nation="ENG", poll_date=POLL_DAY,
        ballots=[elections.BallotSpec(area=north, seats=2), elections.BallotSpec(area=south)],
    )  # fmt: skip
    poll = services.poll_open(acting_user=None, authority=authority_a, group=election)
    return Place(authority_a, north, south, districts, election, poll)
