"""A small council for the elections tests: two wards, a register, and a local election on
Thursday 6 May 2027 whose notice of election is published.

Clock: the tests run "on" 1 March 2027 (``OPEN``), when nominations are open, and move to just
after the close of nominations (``after_close``) with time-machine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from ems.elections import selectors
from ems.elections import services as elections
from ems.elections.models import Ballot, ElectionGroup
from ems.elections.services import BallotSpec, SubscriberEntry
from ems.geography.models import AreaType, ElectoralArea, PollingDistrict, PollingPlace, PollingStation
from ems.register import services_alterations as alterations
from ems.register.models import Property

POLL = dt.date(2027, 5, 6)
OPEN = timezone.make_aware(dt.datetime(2027, 3, 1, 10, 0))
ON_REGISTER = dt.date(2027, 1, 4)


@dataclass
class Poll:
    authority: Any
    group: ElectionGroup
    north: Ballot
    south: Ballot
    numbers: dict[str, str]  # label -> elector number as written, e.g. "NA-1"

    def close(self) -> dt.datetime:
        _entry, due = selectors.deadline(self.group, "close_of_nominations")
        assert due is not None
        return due


def build_register(authority):
    north = ElectoralArea.objects.create(
        authority=authority, area_type=AreaType.WARD, name="North", gss_code="E05000001"
    )
    south = ElectoralArea.objects.create(
        authority=authority, area_type=AreaType.WARD, name="South", gss_code="E05000002"
    )
    na = PollingDistrict.objects.create(authority=authority, code="NA", name="North A", ward=north)
    sa = PollingDistrict.objects.create(authority=authority, code="SA", name="South A", ward=south)
    place = PollingPlace.objects.create(
        authority=authority, code="P1", name="North Village Hall", address_1="1 Hall Lane", postcode="NN1 1AA"
    )
    PollingStation.objects.create(authority=authority, code="S1", number="1", place=place, district=na)
    numbers = {}
    people = [
        ("alice", na, "Alice", "Adams", {}),
        ("bob", na, "Bob", "Brown", {}),
        ("carol", na, "Carol", "Clark", {}),
        ("dan", na, "Dan", "Davies", {}),
        ("anon", na, "Ann", "Onymous", {"is_anonymous": True}),
        ("young", na, "Yvonne", "Young", {"date_of_birth": dt.date(2010, 1, 1)}),
        ("sam", sa, "Sam", "South", {}),
        ("sue", sa, "Sue", "Smith", {}),
    ]
    for i, (label, district, first, surname, extra) in enumerate(people):
        prop = Property.objects.create(
            authority=authority, uprn=770000 + i, address_1=f"{i} Road", postcode="NN1 1AB",
            polling_district=district, walk_order=i,
        )  # fmt: skip
        elector = alterations.elector_add(
            acting_user=None, authority=authority, polling_district=district, property=prop, first_names=first,
            surname=surname, reason="test register", effective_date=ON_REGISTER, **extra,
        )  # fmt: skip
        numbers[label] = elector.elector_number_display
    return north, south, numbers


@pytest.fixture
def clock():
    with time_machine.travel(OPEN, tick=False) as traveller:
        yield traveller


@pytest.fixture
def poll(authority_a, clock) -> Poll:
    north, south, numbers = build_register(authority_a)
    group = elections.election_group_create(
        acting_user=None, authority=authority_a, election_type="local", nation="ENG", poll_date=POLL,
        ballots=[BallotSpec(area=north, seats=1), BallotSpec(area=south, seats=2)],
    )  # fmt: skip
    elections.election_notice_publish(acting_user=None, group=group)
    ballots = {b.area_id: b for b in group.ballots.all()}
    return Poll(authority_a, group, ballots[north.pk], ballots[south.pk], numbers)


def subs(*numbers: str) -> list[SubscriberEntry]:
    return [SubscriberEntry(n, f"Name {i}") for i, n in enumerate(numbers)]


def nominate(ballot, surname, other_names, *numbers, **extra):
    return elections.candidate_nominate(
        acting_user=None, ballot=ballot, surname=surname, other_names=other_names,
        home_address=f"1 {surname} Street, Northtown", subscribers=subs(*numbers), **extra,
    )  # fmt: skip
