"""Polled ballots of the two kinds counted by answer or by list, built with the elections services.

- ``referendum(authority)``: a neighbourhood planning referendum polled yesterday; its notice of
  referendum is published (a referendum has no nominations), so it goes straight to the count.
- ``closed_list(authority, lists, individuals)``: a Senedd ballot (closed lists, D'Hondt) polled
  yesterday with each party's candidates nominated at their list positions and each individual
  candidate, all held valid, and the statement of persons nominated published.

Both have a small register in the area and one polling station, like ``counting_helpers.contested``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ems.counting import selectors, services
from ems.elections import selectors as election_selectors
from ems.elections import services as elections
from ems.elections.models import Ballot, Candidate, ElectionGroup
from ems.geography.models import AreaType, ElectoralArea, PollingDistrict, PollingPlace, PollingStation
from ems.register import services_alterations as alterations

QUESTION = (
    "Do you want Middleton Parish Council to use the neighbourhood plan for Middleton to help it decide "
    "planning applications in the neighbourhood area?"
)


@dataclass
class Polled:
    group: ElectionGroup
    ballot: Ballot
    station: PollingStation
    candidates: list[Candidate]

    def candidate(self, surname: str) -> Candidate:
        return next(c for c in self.candidates if c.surname == surname)


def _area(authority: Any, name: str, code: str, electors: int, poll_date: dt.date) -> tuple[ElectoralArea, Any]:
    ward = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name=name)
    district = PollingDistrict.objects.create(authority=authority, code=code, name=f"{name} A", ward=ward)
    for i in range(electors):
        alterations.elector_add(
            acting_user=None,
            authority=authority,
            polling_district=district,
            first_names=f"Voter{i}",
            surname=f"Elector{i}",
            reason="test register",
            effective_date=poll_date - dt.timedelta(days=200),
        )
    place = PollingPlace.objects.create(
        authority=authority, code=f"P-{code}", name=f"{name} Hall", address_1="1 Hall Lane", postcode="NN1 1AA"
    )
    station = PollingStation.objects.create(
        authority=authority, code=f"S-{code}", number="1", place=place, district=district
    )
    return ward, station


def referendum(
    authority: Any, *, question: str = QUESTION, name: str = "Middleton", code: str = "RA", days_ago: int = 1
) -> Polled:
    poll_date = timezone.localdate() - dt.timedelta(days=days_ago)
    area, station = _area(authority, name, code, 5, poll_date)
    group = elections.election_group_create(
        acting_user=None,
        authority=authority,
        election_type="np-referendum",
        nation="ENG",
        poll_date=poll_date,
        ballots=[elections.BallotSpec(area=area, referendum_question=question)],
        name=f"{name} neighbourhood plan referendum",
    )
    elections.election_notice_publish(
        acting_user=None, group=group, published_at=timezone.now() - dt.timedelta(days=40)
    )
    return Polled(group=group, ballot=group.ballots.get(), station=station, candidates=[])


def closed_list(
    authority: Any,
    lists: dict[str, list[str]],
    individuals: tuple[str, ...] = (),
    *,
    seats: int = 4,
    name: str = "Cymru",
    code: str = "SA",
    days_ago: int = 1,
) -> Polled:
    poll_date = timezone.localdate() - dt.timedelta(days=days_ago)
    area, station = _area(authority, name, code, 5, poll_date)
    group = elections.election_group_create(
        acting_user=None,
        authority=authority,
        election_type="senedd",
        nation="WLS",
        poll_date=poll_date,
        ballots=[elections.BallotSpec(area=area, seats=seats)],
        name=f"{name} Senedd election",
    )
    _entry, close = election_selectors.deadline(group, "close_of_nominations")
    assert close is not None
    elections.election_notice_publish(acting_user=None, group=group, published_at=close - dt.timedelta(days=10))
    ballot = group.ballots.get()
    subscribers = [elections.SubscriberEntry(f"{code}-1", "A"), elections.SubscriberEntry(f"{code}-2", "B")]
    candidates = []
    common = {
        "acting_user": None,
        "ballot": ballot,
        "other_names": "Alex",
        "subscribers": subscribers,
        "received_at": close - dt.timedelta(days=5),
    }
    for party, surnames in lists.items():
        for position, surname in enumerate(surnames, start=1):
            candidates.append(
                elections.candidate_nominate(
                    **common,
                    surname=surname,
                    home_address=f"1 {surname} Road",
                    affiliation="party",
                    party_name=party,
                    description=party,
                    certificate_of_authorisation=True,
                    list_position=position,
                )
            )
    for surname in individuals:
        candidates.append(
            elections.candidate_nominate(
                **common,
                surname=surname,
                home_address=f"1 {surname} Road",
                affiliation="independent",
                description="Independent",
            )
        )
    elections.nominations_close(acting_user=None, ballot=ballot)
    for candidate in candidates:
        for paper in candidate.papers.all():
            elections.validity_decide(acting_user=None, paper=paper, valid=True, reason="RO satisfied")
    elections.sopn_publish(acting_user=None, ballot=ballot)
    ballot.refresh_from_db()
    for candidate in candidates:
        candidate.refresh_from_db()
    return Polled(group=group, ballot=ballot, station=station, candidates=candidates)


def verified_round(polled: Polled, papers: int) -> Any:
    """A station box and a postal box holding ``papers`` in all, received, verified and the
    statement finalised: the first count's round, open for figures."""
    postal_papers = min(20, papers // 2)
    box = services.ballot_box_add(
        acting_user=None, ballot=polled.ballot, label="1", bpa_issued=papers - postal_papers, station=polled.station
    )
    postal = services.ballot_box_add(
        acting_user=None, ballot=polled.ballot, label="PV1", bpa_issued=postal_papers, kind="postal"
    )
    for b, counted in ((box, papers - postal_papers), (postal, postal_papers)):
        services.box_receive(acting_user=None, box=b)
        services.verification_record(acting_user=None, box=b, papers_counted=counted)
    session = services.verification_finalise(acting_user=None, session=box.session)
    return selectors.current_round(session)
