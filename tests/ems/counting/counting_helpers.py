"""A polled election ready to count, built with the elections services (no time travel).

``contested(authority, ...)`` creates an election whose polling day was ``days_ago`` days ago
(default yesterday): the notice of election is published, candidates are nominated and held
valid, nominations are closed and the statement of persons nominated is published, so the
ballot stands at "SOPN published" with the candidates standing. A small register in the ward
(``electors`` entries, effective well before the notice of election) gives the electorate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ems.elections import selectors as election_selectors
from ems.elections import services as elections
from ems.elections.models import Ballot, Candidate, ElectionGroup
from ems.geography.models import AreaType, ElectoralArea, PollingDistrict, PollingPlace, PollingStation
from ems.register import services_alterations as alterations


@dataclass
class Contest:
    group: ElectionGroup
    ballot: Ballot
    candidates: list[Candidate]
    station: PollingStation

    def candidate(self, surname: str) -> Candidate:
        return next(c for c in self.candidates if c.surname == surname)


def _register(authority: Any, ward: ElectoralArea, code: str, electors: int, on: dt.date) -> PollingDistrict:
    district = PollingDistrict.objects.create(authority=authority, code=code, name=f"{ward.name} A", ward=ward)
    for i in range(electors):
        alterations.elector_add(
            acting_user=None,
            authority=authority,
            polling_district=district,
            first_names=f"Voter{i}",
            surname=f"Elector{i}",
            reason="test register",
            effective_date=on,
        )
    return district


def contested(
    authority: Any,
    *,
    election_type: str = "local",
    nation: str = "ENG",
    surnames: tuple[str, ...] = ("Adams", "Brown", "Clark"),
    seats: int = 1,
    electors: int = 5,
    days_ago: int = 1,
    deposits: bool = False,
    ward_name: str = "Middle",
    code: str = "MA",
    attainer: bool = False,
) -> Contest:
    poll_date = timezone.localdate() - dt.timedelta(days=days_ago)
    area_type = AreaType.CONSTITUENCY if election_type in ("ukpge", "ukp-by") else AreaType.WARD
    ward = ElectoralArea.objects.create(authority=authority, area_type=area_type, name=ward_name)
    ward_for_district = ward
    if area_type != AreaType.WARD:
        ward_for_district = ElectoralArea.objects.create(
            authority=authority, area_type=AreaType.WARD, name=f"{ward_name} ward", parent=ward
        )
    district = _register(authority, ward_for_district, code, electors, poll_date - dt.timedelta(days=200))
    if attainer:
        alterations.elector_add(
            acting_user=None,
            authority=authority,
            polling_district=district,
            first_names="Young",
            surname="Attainer",
            reason="test attainer",
            effective_date=poll_date - dt.timedelta(days=200),
            attainer_date=poll_date + dt.timedelta(days=30),
        )
    place = PollingPlace.objects.create(
        authority=authority, code=f"P-{code}", name=f"{ward_name} Hall", address_1="1 Hall Lane", postcode="NN1 1AA"
    )
    station = PollingStation.objects.create(
        authority=authority, code=f"S-{code}", number="1", place=place, district=district
    )
    group = elections.election_group_create(
        acting_user=None,
        authority=authority,
        election_type=election_type,
        nation=nation,
        poll_date=poll_date,
        ballots=[elections.BallotSpec(area=ward, seats=seats)],
        name=f"{ward_name} election",
    )
    _entry, close = election_selectors.deadline(group, "close_of_nominations")
    assert close is not None
    elections.election_notice_publish(acting_user=None, group=group, published_at=close - dt.timedelta(days=10))
    ballot = group.ballots.get()
    candidates = []
    for surname in surnames:
        candidate = elections.candidate_nominate(
            acting_user=None,
            ballot=ballot,
            surname=surname,
            other_names="Alex",
            home_address=f"1 {surname} Road",
            subscribers=[elections.SubscriberEntry(f"{code}-1", "A"), elections.SubscriberEntry(f"{code}-2", "B")],
            received_at=close - dt.timedelta(days=5),
            affiliation="party",
            party_name=f"{surname} Party",
            description=f"{surname} Party",
            certificate_of_authorisation=True,
        )
        if deposits:
            amount = elections.law.deposit_pence(election_type, nation, poll_date)
            elections.deposit_record(
                acting_user=None,
                candidate=candidate,
                amount_pence=amount,
                method="cash",
                received_at=close - dt.timedelta(days=5),
            )
        candidates.append(candidate)
    elections.nominations_close(acting_user=None, ballot=ballot)
    for candidate in candidates:
        for paper in candidate.papers.all():
            elections.validity_decide(acting_user=None, paper=paper, valid=True, reason="RO satisfied")
    elections.sopn_publish(acting_user=None, ballot=ballot)
    ballot.refresh_from_db()
    for candidate in candidates:
        candidate.refresh_from_db()
    return Contest(group=group, ballot=ballot, candidates=candidates, station=station)


def declare(
    contest: Contest, votes: dict[str, int], *, rejected: dict[str, int] | None = None, electorate: int = 2000
) -> Any:
    """Boxes verified, figures entered, rejected papers adjudicated and the result declared."""
    from ems.counting import selectors, services

    rejected = rejected or {}
    total = sum(votes.values()) + sum(rejected.values())
    box = services.ballot_box_add(
        acting_user=None, ballot=contest.ballot, label="1", bpa_issued=total - 20, station=contest.station
    )
    postal = services.ballot_box_add(acting_user=None, ballot=contest.ballot, label="PV1", bpa_issued=20, kind="postal")
    for b, counted in ((box, total - 20), (postal, 20)):
        services.box_receive(acting_user=None, box=b)
        services.verification_record(acting_user=None, box=b, papers_counted=counted)
    session = services.verification_finalise(acting_user=None, session=box.session)
    count_round = selectors.current_round(session)
    services.count_figures_record(
        acting_user=None, count_round=count_round, votes={contest.candidate(s).pk: n for s, n in votes.items()}
    )
    for head, papers in rejected.items():
        services.doubtful_papers_adjudicate(
            acting_user=None, count_round=count_round, decision="rejected", head=head, papers=papers
        )
    services.electorate_set(acting_user=None, ballot=contest.ballot, electorate=electorate)
    return services.result_declare(acting_user=None, session=session)
