"""Elections services: set-up, nominations and subscriber checks, decisions, withdrawals,
deposits, the SOPN and uncontested returns. Every write leaves an audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from elections_helpers import POLL, nominate, subs

from ems.audit.models import AuditEvent
from ems.elections import selectors
from ems.elections import services as elections
from ems.elections.models import (
    Ballot,
    BallotStatus,
    CandidateStatus,
    ElectionGroup,
    PaperStatus,
    TimetableEntry,
)
from ems.elections.services import BallotSpec

pytestmark = pytest.mark.django_db


def test_group_create_stores_ballots_ids_voting_system_and_timetable(poll):
    group = poll.group
    assert group.dc_group_id == "local.2027-05-06"
    assert sorted(group.ballots.values_list("dc_ballot_id", flat=True)) == [
        "local.alpha.north.2027-05-06",
        "local.alpha.south.2027-05-06",
    ]
    assert set(group.ballots.values_list("voting_system", flat=True)) == {"fptp"}
    keys = set(group.timetable.values_list("key", flat=True))
    assert {"notice_of_election", "close_of_nominations", "sopn_publication"} <= keys
    close = group.timetable.get(key="close_of_nominations")
    assert close.due_time == dt.time(16) and close.due_date < POLL
    event = AuditEvent.objects.get(action="elections.group.create")
    assert event.after["dc_group_id"] == "local.2027-05-06" and len(event.after["ballots"]) == 2
    assert AuditEvent.objects.filter(action="elections.notice_of_election.publish").exists()
    assert set(group.ballots.values_list("status", flat=True)) == {BallotStatus.NOTICE_PUBLISHED}


def test_same_election_twice_is_refused_and_writes_nothing(poll):
    before = ElectionGroup.objects.count()
    with pytest.raises(ValidationError, match="already an election"):
        elections.election_group_create(
            acting_user=None, authority=poll.authority, election_type="local", nation="ENG", poll_date=POLL,
            ballots=[BallotSpec(area=poll.north.area)],
        )  # fmt: skip
    assert ElectionGroup.objects.count() == before


def test_by_election_ballot_has_by_in_its_id_and_a_poll_window(poll):
    from ems.geography.models import AreaType, ElectoralArea

    east = ElectoralArea.objects.create(authority=poll.authority, area_type=AreaType.WARD, name="East")
    ballot = elections.ballot_add(
        acting_user=None, group=poll.group,
        spec=BallotSpec(area=east, is_by_election=True, elector_requests=2, requested_on=dt.date(2027, 4, 1)),
    )  # fmt: skip
    assert ballot.dc_ballot_id == "local.alpha.east.by.2027-05-06"
    assert ballot.poll_window_end is not None and ballot.poll_window_end >= POLL
    assert AuditEvent.objects.filter(action="elections.ballot.add", object_id=str(ballot.pk)).exists()
    west = ElectoralArea.objects.create(authority=poll.authority, area_type=AreaType.WARD, name="West")
    with pytest.raises(ValidationError, match="the poll must be held by 22 February 2027"):
        elections.ballot_add(
            acting_user=None, group=poll.group,
            spec=BallotSpec(area=west, is_by_election=True, requested_on=dt.date(2027, 1, 4)),
        )  # fmt: skip


def test_good_paper_passes_checks_and_is_audited(poll):
    candidate = nominate(poll.north, "Zephyr", "Zoe", poll.numbers["alice"], poll.numbers["bob"])
    paper = candidate.papers.get()
    assert paper.checks_passed, paper.problems
    subscribers = list(paper.subscribers.all())
    assert [s.ok for s in subscribers] == [True, True]
    assert subscribers[0].elector is not None and subscribers[0].register_name == "Alice Adams"
    event = AuditEvent.objects.get(action="elections.candidate.nominate", object_id=str(candidate.pk))
    assert event.after["checks_passed"] is True


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("anon", "Anonymous electors may not subscribe"),
        ("young", "Will not be 18 by polling day"),
        ("sam", "is not an elector for this electoral area"),
    ],
)
def test_rejected_subscriber_records_the_reason(poll, who, reason):
    candidate = nominate(poll.north, "Xavier", "Xena", poll.numbers["alice"], poll.numbers[who])
    paper = candidate.papers.get()
    seconder = paper.subscribers.get(position=2)
    assert not seconder.ok
    assert any(reason in r for r in seconder.reasons), seconder.reasons
    assert not paper.checks_passed
    assert any(reason in p and p.startswith("Seconder") for p in paper.problems)


def test_unknown_and_malformed_elector_numbers_are_rejected(poll):
    candidate = nominate(poll.north, "Yates", "Yan", "NA-999", "not a number")
    first, second = candidate.papers.get().subscribers.all()
    assert "No elector NA-999 in the register in force" in first.reasons[0]
    assert "is not an elector number" in second.reasons[0]


def test_subscriber_may_sign_only_as_many_papers_as_seats(poll):
    nominate(poll.north, "First", "Fay", poll.numbers["alice"], poll.numbers["bob"])
    second = nominate(poll.north, "Second", "Sid", poll.numbers["alice"], poll.numbers["carol"])
    proposer = second.papers.get().subscribers.get(position=1)
    assert any("already subscribed 1 other nomination paper" in r for r in proposer.reasons)
    assert second.papers.get().subscribers.get(position=2).ok


def test_too_few_subscribers_and_missing_consent(poll):
    candidate = nominate(poll.north, "Short", "Sue", poll.numbers["alice"], consent_received=False)
    problems = candidate.papers.get().problems
    assert any("needs 2 subscribers" in p for p in problems)
    assert any("consent" in p for p in problems)


def test_description_of_more_than_six_words_is_refused(poll):
    with pytest.raises(ValidationError) as error:
        nominate(
            poll.north, "Long", "Lee", poll.numbers["alice"], poll.numbers["bob"], affiliation="party",
            party_name="Party", description="One two three four five six seven",
        )  # fmt: skip
    assert "description" in error.value.error_dict


def test_replacement_paper_makes_a_candidate_valid(poll):
    candidate = nominate(poll.north, "Redo", "Rita", poll.numbers["alice"], poll.numbers["anon"])
    bad = candidate.papers.get()
    good = elections.nomination_paper_add(
        acting_user=None, candidate=candidate, subscribers=subs(poll.numbers["carol"], poll.numbers["dan"])
    )
    assert good.checks_passed and not bad.checks_passed
    elections.validity_decide(acting_user=None, paper=bad, valid=False, reason="Seconder is anonymous")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.NOMINATED  # the second paper is still to be decided
    elections.validity_decide(acting_user=None, paper=good, valid=True)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.VALID
    assert AuditEvent.objects.filter(action="elections.paper.decide").count() == 2


def test_invalid_decision_needs_a_reason_and_writes_nothing(poll):
    candidate = nominate(poll.north, "Nope", "Nia", poll.numbers["alice"], poll.numbers["bob"])
    paper = candidate.papers.get()
    with pytest.raises(ValidationError):
        elections.validity_decide(acting_user=None, paper=paper, valid=False, reason="")
    paper.refresh_from_db()
    assert paper.status == PaperStatus.RECEIVED and not paper.decisions.exists()


def test_paper_after_close_of_nominations_is_refused(poll, clock):
    clock.move_to(poll.close() + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="had to be delivered by 4pm"):
        nominate(poll.north, "Late", "Lou", poll.numbers["alice"], poll.numbers["bob"])


def test_withdrawal_after_the_deadline_is_refused(poll, clock):
    candidate = nominate(poll.north, "Stay", "Stan", poll.numbers["alice"], poll.numbers["bob"])
    clock.move_to(poll.close() + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="Notice of withdrawal had to be delivered by 4pm"):
        elections.withdrawal_record(acting_user=None, candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.NOMINATED
    # A notice received in time (and entered afterwards) is accepted.
    elections.withdrawal_record(acting_user=None, candidate=candidate, received_at=poll.close() - dt.timedelta(hours=1))
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="elections.candidate.withdraw").exists()


def test_no_deposit_at_local_elections(poll):
    candidate = nominate(poll.north, "Cash", "Cat", poll.numbers["alice"], poll.numbers["bob"])
    with pytest.raises(ValidationError, match="No deposit"):
        elections.deposit_record(acting_user=None, candidate=candidate, amount_pence=50_000, method="cash")


def test_nominations_close_only_after_the_deadline(poll, clock):
    with pytest.raises(ValidationError, match="Nominations close at 4pm"):
        elections.nominations_close(acting_user=None, ballot=poll.north)
    clock.move_to(poll.close() + dt.timedelta(minutes=1))
    elections.nominations_close(acting_user=None, ballot=poll.north)
    assert Ballot.objects.get(pk=poll.north.pk).status == BallotStatus.NOMINATIONS_CLOSED


def _decide_all(ballot):
    for candidate in ballot.candidates.all():
        for paper in candidate.papers.all():
            if candidate.status != CandidateStatus.WITHDRAWN:
                elections.validity_decide(acting_user=None, paper=paper, valid=paper.checks_passed, reason="checked")


def test_sopn_lists_standing_alphabetically_then_those_no_longer_standing(poll, clock):
    n = poll.numbers
    nominate(poll.north, "Young", "Anna", n["alice"], n["bob"])
    nominate(poll.north, "Adams", "Zach", n["carol"], n["dan"])
    nominate(poll.north, "Adams", "Beth", n["bob"], n["carol"])  # bob and carol: already subscribed once
    quitter = nominate(poll.north, "Moss", "Mo", n["dan"], n["alice"])
    elections.withdrawal_record(acting_user=None, candidate=quitter)
    clock.move_to(poll.close() + dt.timedelta(minutes=1))
    elections.nominations_close(acting_user=None, ballot=poll.north)
    with pytest.raises(ValidationError, match="Decide on the nomination papers"):
        elections.sopn_publish(acting_user=None, ballot=poll.north)
    _decide_all(poll.north)
    elections.sopn_publish(acting_user=None, ballot=poll.north)
    statement = selectors.sopn(Ballot.objects.get(pk=poll.north.pk))
    assert [(r["surname"], r["other_names"]) for r in statement["standing"]] == [("ADAMS", "Zach"), ("YOUNG", "Anna")]
    assert [(r["surname"], r["reason"][:17]) for r in statement["not_standing"]] == [
        ("ADAMS", "Nomination invali"),
        ("MOSS", "Withdrawn"),
    ]
    ballot = Ballot.objects.get(pk=poll.north.pk)
    assert ballot.status == BallotStatus.SOPN_PUBLISHED and not ballot.uncontested
    assert TimetableEntry.objects.get(group=poll.group, key="sopn_publication").done_on is not None
    assert AuditEvent.objects.filter(action="elections.sopn.publish", object_id=str(ballot.pk)).exists()


def test_uncontested_ballot_is_returned_without_a_poll(poll, clock):
    n = poll.numbers
    one = nominate(poll.south, "Solo", "Sol", n["sam"], n["sue"])
    clock.move_to(poll.close() + dt.timedelta(minutes=1))
    elections.nominations_close(acting_user=None, ballot=poll.south)
    _decide_all(poll.south)
    elections.sopn_publish(acting_user=None, ballot=poll.south)
    ballot = Ballot.objects.get(pk=poll.south.pk)
    assert ballot.status == BallotStatus.DECLARED and ballot.uncontested
    one.refresh_from_db()
    assert one.status == CandidateStatus.ELECTED
    event = AuditEvent.objects.get(action="elections.ballot.declare_uncontested")
    assert event.after["vacancies_unfilled"] == 1  # two seats, one candidate


def test_combined_poll_needs_two_elections_on_one_day(poll):
    with pytest.raises(ValidationError):
        elections.combined_poll_create(
            acting_user=None, authority=poll.authority, name="x", ballots=[poll.north, poll.south]
        )
    pcc = elections.election_group_create(
        acting_user=None, authority=poll.authority, election_type="pcc", nation="ENG", poll_date=POLL,
        ballots=[BallotSpec(area=None, title="Police area")],
    )  # fmt: skip
    combined = elections.combined_poll_create(
        acting_user=None, authority=poll.authority, name="May polls", ballots=[poll.north, *pcc.ballots.all()],
        lead_group=poll.group, functions=["poll_cards", "polling_stations"],
    )  # fmt: skip
    assert combined.ballots.count() == 2 and not combined.mandatory
    assert pcc.ballots.get().dc_ballot_id == "pcc.alpha.2027-05-06"


def test_timetable_mark_done_and_ro_chosen_dates(poll):
    entry = poll.group.timetable.get(key="registration")
    elections.timetable_mark_done(acting_user=None, entry=entry)
    entry.refresh_from_db()
    assert entry.done_on is not None
    with pytest.raises(ValidationError, match="law fixes"):
        elections.timetable_set_date(acting_user=None, entry=entry, due_date=dt.date(2027, 4, 1))
    rows = selectors.timetable_rows(poll.group)
    assert sum(r.is_next for r in rows) == 1
    assert {r.rag for r in rows} <= {"done", "overdue", "soon", "later", "choose"}


def test_blank_row_keeps_positions_and_fails(poll):
    candidate = nominate(poll.north, "Gap", "Gil", "", poll.numbers["bob"])
    proposer, seconder = candidate.papers.get().subscribers.all()
    assert proposer.reasons == ["No elector number was written"] and seconder.ok


def test_an_election_the_law_does_not_have_is_refused(poll):
    with pytest.raises(ValidationError) as error:
        elections.election_group_create(
            acting_user=None, authority=poll.authority, election_type="senedd", nation="ENG", poll_date=POLL,
            ballots=[BallotSpec(area=poll.north.area)],
        )  # fmt: skip
    assert "senedd" in str(error.value).lower()
    assert not ElectionGroup.objects.filter(election_type="senedd").exists()


def test_scottish_local_election_keeps_one_notice_of_election_entry_the_ro_may_move(authority_a, clock):
    """In Scotland the law sets the last day for the notice of election and the RO picks the day
    within a window; the timetable holds one entry with both (it once failed a unique constraint)."""
    from ems.geography.models import AreaType, ElectoralArea

    ward = ElectoralArea.objects.create(authority=authority_a, area_type=AreaType.WARD, name="Linn")
    group = elections.election_group_create(
        acting_user=None, authority=authority_a, election_type="local", nation="SCT", poll_date=POLL,
        ballots=[BallotSpec(area=ward, seats=4)],
    )  # fmt: skip
    assert group.ballots.get().voting_system == "stv"
    notice = group.timetable.get(key="notice_of_election")
    assert notice.ro_chooses and notice.due_date is not None and notice.latest is not None
    assert notice.due_date <= notice.latest < POLL
    earlier = notice.latest - dt.timedelta(days=7)
    if notice.earliest is None or earlier >= notice.earliest:
        elections.timetable_set_date(acting_user=None, entry=notice, due_date=earlier)
        notice.refresh_from_db()
        assert notice.due_date == earlier
    with pytest.raises(ValidationError, match="at the latest"):
        elections.timetable_set_date(acting_user=None, entry=notice, due_date=notice.latest + dt.timedelta(days=1))
