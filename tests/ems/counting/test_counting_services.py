"""The count's services: audit rows, verification and variances, recount history, lots,
deposits, turnout both ways, STV preference files, spending limits and returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from counting_helpers import contested
from django.core.exceptions import ValidationError
from django.utils import timezone

from ems.audit.models import AuditEvent
from ems.counting import law, selectors
from ems.counting import services as counting
from ems.counting import services_spending as spending
from ems.counting.models import (
    Adjudication,
    BoxKind,
    CountRound,
    CountSession,
    CountState,
    Declaration,
    DoubtfulPaper,
    ExpenseReturn,
    RecountDecision,
    RejectionHead,
    Verification,
)
from ems.elections.models import BallotStatus, CandidateStatus, DepositState
from ems_rules.count.lots import draw_order

pytestmark = pytest.mark.django_db


def _actions(authority, prefix="counting."):
    return list(
        AuditEvent.objects.filter(authority=authority, action__startswith=prefix)
        .order_by("id")
        .values_list("action", flat=True)
    )


def verified(contest, user, figures=((("1", 500), 500), (("2", 300), 298)), postal=(("PV1", 200), 200)):
    """Boxes added, received and verified; returns the session (not yet finalised)."""
    boxes = []
    for (label, bpa), counted in figures:
        box = counting.ballot_box_add(
            acting_user=user, ballot=contest.ballot, label=label, bpa_issued=bpa, station=contest.station
        )
        boxes.append((box, counted))
    if postal:
        (label, bpa), counted = postal
        boxes.append(
            (
                counting.ballot_box_add(
                    acting_user=user, ballot=contest.ballot, label=label, bpa_issued=bpa, kind=BoxKind.POSTAL
                ),
                counted,
            )
        )
    for box, counted in boxes:
        counting.box_receive(acting_user=user, box=box, delivered_by="Presiding officer")
        counting.verification_record(acting_user=user, box=box, papers_counted=counted)
    return CountSession.objects.get(pk=boxes[0][0].session_id)


def finalised(contest, user, **kwargs):
    session = verified(contest, user, **kwargs)
    for v in Verification.objects.filter(box__session=session).exclude(variance=0):
        counting.variance_resolve(
            acting_user=user, verification=v, explanation="Two papers found in box 1", resolution="Accepted"
        )
    return counting.verification_finalise(acting_user=user, session=session)


def votes(contest, **by_surname):
    return {contest.candidate(name).pk: n for name, n in by_surname.items()}


# ---- boxes and verification --------------------------------------------------------------------


def test_boxes_receipt_and_verification_are_audited(contest, staff):
    session = verified(contest, staff)
    assert session.state == CountState.VERIFICATION
    assert (
        _actions(contest.ballot.authority)
        == ["counting.box.add"] * 3 + ["counting.box.receive", "counting.box.verify"] * 3
    )
    event = AuditEvent.objects.filter(action="counting.box.verify").order_by("id")[1]
    assert event.after["variance"] == -2


def test_a_box_needs_a_label_unique_to_the_ballot_and_receipt_before_verification(contest, staff):
    box = counting.ballot_box_add(acting_user=staff, ballot=contest.ballot, label="7", bpa_issued=10)
    with pytest.raises(ValidationError, match="already a box 7"):
        counting.ballot_box_add(acting_user=staff, ballot=contest.ballot, label="7", bpa_issued=10)
    with pytest.raises(ValidationError, match="label"):
        counting.ballot_box_add(acting_user=staff, ballot=contest.ballot, label="  ", bpa_issued=10)
    with pytest.raises(ValidationError, match="postal"):
        counting.ballot_box_add(
            acting_user=staff, ballot=contest.ballot, label="PV", bpa_issued=1, kind="postal", station=contest.station
        )
    with pytest.raises(ValidationError, match="receipt"):
        counting.verification_record(acting_user=staff, box=box, papers_counted=10)
    counting.box_receive(acting_user=staff, box=box)
    with pytest.raises(ValidationError, match="already been received"):
        counting.box_receive(acting_user=staff, box=box)


def test_verification_waits_for_the_close_of_poll(authority_a, staff):
    future = contested(authority_a, days_ago=-3, ward_name="Later", code="LA")
    # Polling day is ahead: the SOPN is published but no box can be verified yet.
    box = counting.ballot_box_add(acting_user=staff, ballot=future.ballot, label="1", bpa_issued=5)
    counting.box_receive(acting_user=staff, box=box)
    with pytest.raises(ValidationError, match="after the close of poll"):
        counting.verification_record(acting_user=staff, box=box, papers_counted=5)


def test_a_variance_must_be_explained_and_resolved_before_the_statement_is_finalised(contest, staff, ro):
    session = verified(contest, staff)
    with pytest.raises(ValidationError) as refused:
        counting.verification_finalise(acting_user=ro, session=session)
    assert "variance of -2" in " ".join(refused.value.messages)
    variance = Verification.objects.get(box__session=session, variance=-2)
    with pytest.raises(ValidationError, match="Explain the variance"):
        counting.variance_resolve(acting_user=ro, verification=variance, resolution="Accepted")
    counting.variance_resolve(
        acting_user=ro, verification=variance, explanation="Two spoilt papers counted as issued", resolution="Accepted"
    )
    session = counting.verification_finalise(acting_user=ro, session=session)
    assert session.state == CountState.COUNTING
    assert session.verification_totals["total"] == {"boxes": 3, "bpa": 1000, "counted": 998, "variance": -2}
    assert session.verification_totals["postal"]["counted"] == 200
    assert CountRound.objects.filter(session=session, number=1).exists()
    event = AuditEvent.objects.get(action="counting.variance.resolve")
    assert event.reason == "Accepted" and event.actor == ro
    with pytest.raises(ValidationError, match="finalised"):
        counting.ballot_box_add(acting_user=staff, ballot=contest.ballot, label="9", bpa_issued=1)


def test_a_box_counted_again_keeps_the_earlier_count(contest, staff):
    session = verified(contest, staff)
    box = session.boxes.get(label="2")
    counting.verification_record(acting_user=staff, box=box, papers_counted=300, explanation="Recounted twice")
    rows = list(box.verifications.order_by("id"))
    assert [r.papers_counted for r in rows] == [298, 300]
    statement = selectors.verification_statement(session)
    assert statement["total"]["counted"] == 1000
    assert not statement["problems"]
    with pytest.raises(ValidationError, match="later count"):
        counting.variance_resolve(acting_user=staff, verification=rows[0], explanation="x", resolution="y")


def test_a_shared_box_is_received_for_every_ballot_it_serves(authority_a, staff):
    # Two polls on the same day (a district ward and a parish), whose papers share box 12.
    north = contested(authority_a, ward_name="North", code="NO")
    south = contested(authority_a, election_type="parish", ward_name="South", code="SO")
    assert north.group.pk != south.group.pk and north.group.poll_date == south.group.poll_date
    a = counting.ballot_box_add(acting_user=staff, ballot=north.ballot, label="12", bpa_issued=100)
    b = counting.ballot_box_add(acting_user=staff, ballot=south.ballot, label="12", bpa_issued=90)
    counting.box_receive(acting_user=staff, box=a)
    assert hasattr(type(b).objects.get(pk=b.pk), "receipt")
    assert selectors.shared_labels(a.session) == {"12": ["South"]}


def test_an_uncontested_ballot_has_no_count(authority_a, staff):
    lone = contested(authority_a, surnames=("Solo",), ward_name="Quiet", code="QU")
    assert lone.ballot.uncontested
    with pytest.raises(ValidationError, match="unopposed"):
        counting.ballot_box_add(acting_user=staff, ballot=lone.ballot, label="1", bpa_issued=5)


# ---- count, doubtful papers, recount, declaration ----------------------------------------------


def test_count_doubtfuls_recount_and_declaration_keep_every_figure(contest, staff, ro):
    session = finalised(contest, staff)
    first = selectors.current_round(session)
    counting.count_figures_record(
        acting_user=staff, count_round=first, votes=votes(contest, Adams=500, Brown=400, Clark=90)
    )
    session.refresh_from_db()
    assert session.state == CountState.PROVISIONAL
    figures = selectors.result_figures(session)
    assert figures["elected"] == ["ADAMS, Alex"]
    assert "does not reconcile" in figures["reconcile"]  # 990 votes, 998 verified: 8 doubtfuls to adjudicate
    with pytest.raises(ValidationError, match="not open for figures"):
        counting.count_figures_record(
            acting_user=staff, count_round=first, votes=votes(contest, Adams=1, Brown=1, Clark=1)
        )

    counting.doubtful_papers_adjudicate(
        acting_user=ro, count_round=first, decision=Adjudication.REJECTED, head=RejectionHead.NO_OFFICIAL_MARK, papers=5
    )
    counting.doubtful_papers_adjudicate(
        acting_user=ro,
        count_round=first,
        decision=Adjudication.REJECTED,
        head=RejectionHead.UNMARKED,
        papers=3,
        objected=True,
    )
    counting.doubtful_papers_adjudicate(acting_user=ro, count_round=first, decision=Adjudication.ACCEPTED, papers=2)
    with pytest.raises(ValidationError, match="reason"):
        counting.doubtful_papers_adjudicate(acting_user=ro, count_round=first, decision=Adjudication.REJECTED)
    statement = selectors.rejected_statement(first)
    assert statement["total"] == 8 and statement["accepted"] == 2 and statement["objected"] == 3
    assert {h["head"]: h["count"] for h in statement["heads"]} == {
        "no_official_mark": 5,
        "too_many": 0,
        "identifying": 0,
        "unmarked": 3,
    }
    assert selectors.result_figures(session)["reconcile"] == ""

    # Brown's agent asks for a recount; the RO grants it: a new round, the first count kept.
    recount = counting.recount_request(
        acting_user=staff,
        session=session,
        requested_by="B. Agent (agent for BROWN)",
        reason="Close result",
        candidate=contest.candidate("Brown"),
    )
    with pytest.raises(ValidationError, match="already waiting"):
        counting.recount_request(acting_user=staff, session=session, requested_by="Someone", reason="Again")
    counting.electorate_set(acting_user=staff, ballot=contest.ballot, electorate=2000)
    with pytest.raises(ValidationError, match="recount first"):
        counting.result_declare(acting_user=ro, session=session)
    recount = counting.recount_decide(acting_user=ro, recount=recount, grant=True)
    assert recount.decision == RecountDecision.GRANTED
    second = recount.new_round
    assert second.number == 2 and str(second) == "Recount 1"
    assert DoubtfulPaper.objects.filter(round=second).count() == 3  # adjudications carried forward
    counting.count_figures_record(
        acting_user=staff, count_round=second, votes=votes(contest, Adams=499, Brown=401, Clark=90)
    )
    first.refresh_from_db()
    assert {e.candidate.surname: e.votes for e in first.entries.all()} == {"Adams": 500, "Brown": 400, "Clark": 90}
    with pytest.raises(ValidationError, match="not the current count"):
        counting.doubtful_papers_adjudicate(acting_user=ro, count_round=first, decision="accepted")

    declaration = counting.result_declare(acting_user=ro, session=session)
    assert declaration.round == second
    assert declaration.ballot_papers == 998 and declaration.valid_papers == 990 and declaration.rejected == 8
    assert declaration.turnout_ballot_papers == Decimal("49.90")  # 998 / 2000
    assert declaration.turnout_valid == Decimal("49.50")  # 990 / 2000
    contest.ballot.refresh_from_db()
    assert contest.ballot.status == BallotStatus.DECLARED and contest.ballot.declared_at is not None
    statuses = {c.surname: c.status for c in contest.ballot.candidates.all()}
    assert statuses == {
        "Adams": CandidateStatus.ELECTED,
        "Brown": CandidateStatus.NOT_ELECTED,
        "Clark": CandidateStatus.NOT_ELECTED,
    }
    trail = _actions(contest.ballot.authority)
    assert trail[trail.index("counting.recount.request") :] == [
        "counting.recount.request",
        "counting.electorate.set",
        "counting.recount.grant",
        "counting.count.record",
        "counting.result.declare",
    ]
    event = AuditEvent.objects.get(action="counting.result.declare")
    assert event.after["elected"] == ["ADAMS, Alex"] and event.after["round"] == 2
    with pytest.raises(ValidationError, match="declared"):
        counting.recount_request(acting_user=staff, session=session, requested_by="Late", reason="Too late")
    # Spending returns are now tracked, 35 days after the declaration (local elections).
    ret = ExpenseReturn.objects.get(candidate=contest.candidate("Adams"))
    assert ret.due_on == timezone.localdate() + dt.timedelta(days=35)


def test_a_refused_recount_needs_a_reason_and_keeps_the_count(contest, staff, ro):
    session = finalised(contest, staff, figures=((("1", 500), 500),), postal=None)
    first = selectors.current_round(session)
    counting.count_figures_record(
        acting_user=staff, count_round=first, votes=votes(contest, Adams=300, Brown=150, Clark=50)
    )
    recount = counting.recount_request(acting_user=staff, session=session, requested_by="Clark", reason="Lost")
    with pytest.raises(ValidationError, match="reason for refusing"):
        counting.recount_decide(acting_user=ro, recount=recount, grant=False)
    counting.recount_decide(acting_user=ro, recount=recount, grant=False, reason="Margin of 150; bundles checked")
    session.refresh_from_db()
    assert session.state == CountState.PROVISIONAL and session.rounds.count() == 1
    assert AuditEvent.objects.get(action="counting.recount.refuse").reason == "Margin of 150; bundles checked"


def test_declaration_needs_the_electorate_and_a_reconciled_count(contest, staff, ro):
    session = finalised(contest, staff, figures=((("1", 500), 500),), postal=None)
    counting.count_figures_record(
        acting_user=staff,
        count_round=selectors.current_round(session),
        votes=votes(contest, Adams=300, Brown=150, Clark=40),
    )
    with pytest.raises(ValidationError, match="electorate"):
        counting.result_declare(acting_user=ro, session=session)
    counting.electorate_set(acting_user=staff, ballot=contest.ballot, electorate=1000)
    with pytest.raises(ValidationError, match="does not reconcile"):
        counting.result_declare(acting_user=ro, session=session)
    assert not Declaration.objects.exists()


# ---- ties by lot ---------------------------------------------------------------------------------


def test_a_tie_is_decided_by_lot_and_the_seed_reproduces_the_draw(contest, staff, ro):
    session = finalised(contest, staff, figures=((("1", 500), 500),), postal=None)
    count_round = selectors.current_round(session)
    counting.count_figures_record(
        acting_user=staff, count_round=count_round, votes=votes(contest, Adams=220, Brown=220, Clark=60)
    )
    count_round.refresh_from_db()
    assert "decided by lot" in count_round.needs_lot and count_round.elected == []
    counting.electorate_set(acting_user=staff, ballot=contest.ballot, electorate=1000)
    with pytest.raises(ValidationError, match="lot"):
        counting.result_declare(acting_user=ro, session=session)
    counting.lot_draw(acting_user=ro, count_round=count_round, seed=20270506)
    count_round.refresh_from_db()
    assert count_round.needs_lot == "" and count_round.seed == 20270506
    tie = count_round.tie_breaks[0]
    assert tie["method"] == "lot" and tie["seed"] == 20270506
    assert set(tie["candidates"]) == {"ADAMS, Alex", "BROWN, Alex"}
    # The same seed on the same tie always draws the same name (ems_rules.count.lots).
    expected = draw_order(["ADAMS, Alex", "BROWN, Alex"], seed=20270506, purpose="last seat", stage=1)[0]
    assert tie["outcome"] == expected
    again = law.count_totals("fptp", {"ADAMS, Alex": 220, "BROWN, Alex": 220, "CLARK, Alex": 60}, 1, seed=20270506)
    assert again.elected == (expected,)
    winner = contest.candidate(expected.split(",")[0].title())
    assert count_round.elected == [winner.pk]
    event = AuditEvent.objects.get(action="counting.lot.draw")
    assert event.after["seed"] == 20270506 and event.after["tie_breaks"][0]["outcome"] == expected
    with pytest.raises(ValidationError, match="No tie"):
        counting.lot_draw(acting_user=ro, count_round=count_round, seed=1)
    declaration = counting.result_declare(acting_user=ro, session=session)
    assert declaration.figures["seed"] == 20270506
    assert [c["by_lot"] for c in declaration.figures["candidates"] if c["elected"]] == [True]


def test_a_lot_without_a_seed_records_the_seed_it_drew(contest, staff, ro):
    session = finalised(contest, staff, figures=((("1", 500), 500),), postal=None)
    count_round = selectors.current_round(session)
    counting.count_figures_record(
        acting_user=staff, count_round=count_round, votes=votes(contest, Adams=100, Brown=200, Clark=200)
    )
    counting.lot_draw(acting_user=ro, count_round=count_round)
    count_round.refresh_from_db()
    assert count_round.seed is not None and count_round.tie_breaks[0]["seed"] == count_round.seed


# ---- deposits and turnout ------------------------------------------------------------------------


def test_deposits_are_returned_above_five_percent_and_forfeited_at_or_below(authority_a, staff, ro):
    seat = contested(
        authority_a,
        election_type="ukpge",
        deposits=True,
        ward_name="Seat",
        code="SE",
        surnames=("Able", "Baker", "Cole", "Dunn"),
    )
    session = finalised(seat, staff, figures=((("1", 700), 700),), postal=(("PV1", 300), 300))
    counting.count_figures_record(
        acting_user=staff,
        count_round=selectors.current_round(session),
        votes=votes(seat, Able=600, Baker=299, Cole=51, Dunn=50),
    )
    counting.electorate_set(acting_user=staff, ballot=seat.ballot, electorate=1600)
    counting.result_declare(acting_user=ro, session=session)
    states = {c.surname: c.deposit.state for c in seat.ballot.candidates.select_related("deposit")}
    # 51 of 1,000 is 5.1%: returned; 50 is exactly 5%: forfeited (RPA 1983 Sch 1 r.53(4)).
    assert states == {
        "Able": DepositState.RETURNED,
        "Baker": DepositState.RETURNED,
        "Cole": DepositState.RETURNED,
        "Dunn": DepositState.FORFEITED,
    }
    forfeit = AuditEvent.objects.get(action="counting.deposit.forfeit")
    assert "50 of 1,000 valid votes (5.00%)" in forfeit.reason and "5%" in forfeit.reason
    assert AuditEvent.objects.filter(action="counting.deposit.return").count() == 3
    assert counting.deposits_settle(acting_user=ro, session=session) == []  # nothing left held


def test_turnout_is_given_both_ways(authority_a, staff, ro):
    seat = contested(authority_a, ward_name="Turnout", code="TU")
    session = finalised(seat, staff, figures=((("1", 1010), 1010),), postal=None)
    round_one = selectors.current_round(session)
    counting.count_figures_record(
        acting_user=staff, count_round=round_one, votes=votes(seat, Adams=600, Brown=300, Clark=100)
    )
    counting.doubtful_papers_adjudicate(
        acting_user=ro, count_round=round_one, decision="rejected", head="too_many", papers=10
    )
    counting.electorate_set(acting_user=staff, ballot=seat.ballot, electorate=3000)
    declaration = counting.result_declare(acting_user=ro, session=session)
    assert declaration.turnout_ballot_papers == Decimal("33.67")  # 1,010 / 3,000 = 33.666…
    assert declaration.turnout_valid == Decimal("33.33")  # 1,000 / 3,000
    assert law.turnout_percent(1, 8) == Decimal("12.50") and law.turnout_percent(1, 0) == Decimal("0.00")


def test_the_electorate_is_counted_from_the_register_without_attainers_under_18_on_polling_day(authority_a, staff):
    seat = contested(authority_a, ward_name="Register", code="RG", electors=4, attainer=True)
    session = counting.electorate_set(acting_user=staff, ballot=seat.ballot)
    assert session.electorate == 4 and session.electorate_source == "computed"
    assert session.electorate_date == selectors.register_date(seat.ballot)


# ---- STV from a preference file ------------------------------------------------------------------

BLT = """4 2
12 1 2 0
10 2 1 0
9 3 4 0
4 4 3 0
3 3 2 0
0
"Ann ADAMS"
"Alex BROWN"
"Alex CLARK"
"Alex DUNN"
"Middle"
"""


def test_an_stv_count_from_a_preference_file_stores_the_stage_report(authority_a, staff, ro):
    # Built as an English ward, then made a Scottish STV ward: the elections app cannot yet create a
    # Scottish local election (its timetable has notice_of_election twice), and the count does not care.
    ward = contested(authority_a, seats=2, surnames=("Adams", "Brown", "Clark", "Dunn"), ward_name="Scot", code="SC")
    type(ward.group).objects.filter(pk=ward.group.pk).update(nation="SCT")
    type(ward.ballot).objects.filter(pk=ward.ballot.pk).update(voting_system="stv")
    adams = ward.candidate("Adams")
    type(adams).objects.filter(pk=adams.pk).update(other_names="Ann")
    session = finalised(ward, staff, figures=((("1", 38), 38),), postal=None)
    count_round = selectors.current_round(session)
    with pytest.raises(ValidationError, match="preference file"):
        counting.count_figures_record(acting_user=staff, count_round=count_round, votes={})
    with pytest.raises(ValidationError, match="not candidates here"):
        counting.count_preferences_import(
            acting_user=staff, count_round=count_round, content=BLT.replace("Alex DUNN", "Zed ZED").encode()
        )
    counting.count_preferences_import(
        acting_user=staff, count_round=count_round, content=BLT.encode(), filename="scot.blt"
    )
    count_round.refresh_from_db()
    assert count_round.method == "blt" and count_round.report["quota"] == 13
    assert count_round.report["stages"][0]["kind"] == "first preferences"
    assert len(count_round.elected) == 2
    first = {e.candidate.surname: e.votes for e in count_round.entries.all()}
    assert first == {"Adams": 12, "Brown": 10, "Clark": 12, "Dunn": 4}
    figures = selectors.result_figures(session)
    assert figures["valid_papers"] == 38 and figures["reconcile"] == ""
    assert AuditEvent.objects.get(action="counting.count.import").after["source_sha256"] == count_round.source_sha256


# ---- spending limits and returns -----------------------------------------------------------------


def test_spending_limits_use_the_register_on_the_notice_of_election_day(contest, staff):
    adams, brown = contest.candidate("Adams"), contest.candidate("Brown")
    limits = spending.spending_limits_calculate(
        acting_user=staff, ballot=contest.ballot, joint_candidates={adams.pk: 2, brown.pk: 2}
    )
    by_name = {limit.candidate.surname: limit for limit in limits}
    # 5 electors: £960 + 5 × 8p = £960.40; two joint candidates each lose a quarter: £720.30.
    assert by_name["Clark"].limit_pence == 96040 and by_name["Clark"].electorate == 5
    assert by_name["Adams"].limit_pence == 72030 and by_name["Adams"].joint_candidates == 2
    assert by_name["Clark"].electorate_date == selectors.register_date(contest.ballot)
    assert AuditEvent.objects.filter(action="counting.spending_limit.calculate").count() == 3
    again = spending.spending_limits_calculate(acting_user=staff, ballot=contest.ballot, electorate=1000)
    assert {limit.limit_pence for limit in again} == {96000 + 8000}
    event = AuditEvent.objects.filter(action="counting.spending_limit.calculate").order_by("-id").first()
    assert event.before is not None


def test_returns_are_flagged_late_or_missing_and_the_inspection_notice_has_its_deadline(authority_a, staff, ro):
    old = contested(authority_a, days_ago=60, ward_name="Old", code="OL")
    session = finalised(old, staff, figures=((("1", 100), 100),), postal=None)
    counting.count_figures_record(
        acting_user=staff, count_round=selectors.current_round(session), votes=votes(old, Adams=50, Brown=30, Clark=20)
    )
    counting.electorate_set(acting_user=staff, ballot=old.ballot, electorate=400)
    declared_at = timezone.make_aware(dt.datetime.combine(old.group.poll_date + dt.timedelta(days=1), dt.time(2, 30)))
    counting.result_declare(acting_user=ro, session=session, declared_at=declared_at)
    due = old.group.poll_date + dt.timedelta(days=36)
    assert ExpenseReturn.objects.get(candidate=old.candidate("Adams")).due_on == due
    late_day = due + dt.timedelta(days=2)
    spending.expense_return_record(
        acting_user=staff,
        candidate=old.candidate("Adams"),
        return_received_on=late_day,
        agent_declaration_received_on=late_day,
    )
    with pytest.raises(ValidationError, match="future"):
        spending.expense_return_record(
            acting_user=staff,
            candidate=old.candidate("Brown"),
            return_received_on=timezone.localdate() + dt.timedelta(days=1),
        )
    rows = {r["candidate"].surname: r for r in selectors.spending_rows(old.ballot)}
    # Late, and the candidate's own declaration (due 7 working days after the return) is now overdue too.
    assert rows["Adams"]["flags"] == ["late", "candidate declaration missing"]
    assert rows["Brown"]["flags"] == ["missing"]
    assert rows["Adams"]["return"].candidate_declaration_due_on == law.candidate_declaration_due(late_day, "ENG")
    notice = spending.inspection_notice_publish(
        acting_user=ro, session=session, place="Town Hall, Room 2", times="Monday to Friday, 9am to 4pm"
    )
    assert notice.due_by == due + dt.timedelta(days=10)
    with pytest.raises(ValidationError, match="already published"):
        spending.inspection_notice_publish(acting_user=ro, session=session, place="x", times="y")
