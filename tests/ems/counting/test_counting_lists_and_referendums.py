"""Counting neighbourhood planning referendums (Yes / No, simple majority) and closed-list
ballots (the Senedd from 2026: party lists and individual candidates, D'Hondt) in the app:
services, the declaration, the public results and the count entry page.

The closed-list figures are the European Parliament 2019 result in Wales (four seats, pure
closed-list D'Hondt, as the Senedd from 2026; see tests/rules/count/test_count_lists.py for the
sources): Brexit Party 271,404, Plaid Cymru 163,928, and Labour's 127,833 given here to an
individual candidate. Published order of election: Brexit, Plaid, Brexit, Labour — here the two
Brexit Party list candidates in list order, Plaid's first, then the individual.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from lists_and_referendums_helpers import QUESTION, closed_list, referendum, verified_round

from ems.accounts.roles import Role
from ems.audit.models import AuditEvent
from ems.counting import documents, selectors
from ems.counting import services as counting
from ems.counting.models import CountEntry, CountOption, CountRound, CountState, Declaration
from ems.elections.models import BallotStatus, CandidateStatus, Deposit, DepositState

pytestmark = pytest.mark.django_db

EP_2019 = {"Brexit Party": 271_404, "Plaid Cymru": 163_928}
INDIVIDUAL = 127_833


def _actions(authority):
    return list(
        AuditEvent.objects.filter(authority=authority, action__startswith="counting.")
        .order_by("id")
        .values_list("action", flat=True)
    )


# ---- referendums -----------------------------------------------------------------------------------


def _count_referendum(authority, yes, no, rejected=0, electorate=4000):
    polled = referendum(authority)
    count_round = verified_round(polled, yes + no + rejected)
    counting.count_answers_record(acting_user=None, count_round=count_round, votes={"Yes": yes, "No": no})
    if rejected:
        counting.doubtful_papers_adjudicate(
            acting_user=None, count_round=count_round, decision="rejected", head="unmarked", papers=rejected
        )
    counting.electorate_set(acting_user=None, ballot=polled.ballot, electorate=electorate)
    return polled, count_round


def test_a_referendum_is_counted_and_declared_with_a_yes_majority(authority_a):
    polled, count_round = _count_referendum(authority_a, 1200, 400, rejected=5)
    assert polled.ballot.referendum_question == QUESTION
    assert polled.ballot.status == BallotStatus.NOTICE_PUBLISHED  # no nominations, no SOPN
    assert {o.label: o.votes for o in CountOption.objects.filter(round=count_round)} == {"Yes": 1200, "No": 400}
    figures = selectors.result_figures(count_round.session)
    assert figures["majority_answer"] == "Yes" and figures["margin"] == 800
    assert [(a["answer"], a["votes"], a["percent"]) for a in figures["answers"]] == [
        ("Yes", 1200, "75.00"),
        ("No", 400, "25.00"),
    ]
    assert figures["valid_votes"] == 1600 and figures["rejected"]["total"] == 5 and not figures["reconcile"]

    declaration = counting.result_declare(acting_user=None, session=count_round.session)
    assert (declaration.ballot_papers, declaration.valid_papers, declaration.rejected) == (1605, 1600, 5)
    assert str(declaration.turnout_ballot_papers) == "40.13"  # 1,605 / 4,000 = 40.125%, half up
    polled.ballot.refresh_from_db()
    assert polled.ballot.status == BallotStatus.DECLARED
    assert _actions(authority_a)[-3:] == ["counting.doubtful.adjudicate", "counting.electorate.set",
                                          "counting.result.declare"]  # fmt: skip
    event = AuditEvent.objects.get(action="counting.result.declare")
    assert event.after["votes"] == {"Yes": 1200, "No": 400}
    assert AuditEvent.objects.filter(action="counting.count.record", object_id=str(count_round.pk)).exists()

    # The declaration of result names the question and the majority.
    context = documents.declaration_context(polled.ballot, count_round.session)
    assert [c["name"] for c in context["candidates"]] == ["Yes", "No"]
    assert QUESTION in context["t"]["dec_intro"] and context["elected"] == ["Yes"]
    assert documents.declaration(polled.ballot, count_round.session, "docx")[:2] == b"PK"
    assert documents.declaration(polled.ballot, count_round.session, "pdf")[:4] == b"%PDF"

    # The public results: the answers and the majority, in the page, JSON and CSV.
    client = Client()
    page = client.get(f"/results/ballots/{polled.ballot.pk}/").content.decode()
    assert QUESTION in page and "1,200" in page and "75.00%" in page and "A majority of the valid votes" in page
    data = json.loads(client.get(f"/results/ballots/{polled.ballot.pk}/results.json").content)
    assert data["voting_system"] == "referendum" and data["question"] == QUESTION
    assert data["answers"] == [
        {"answer": "Yes", "votes": 1200, "percent": "75.00"},
        {"answer": "No", "votes": 400, "percent": "25.00"},
    ]
    assert data["majority_answer"] == "Yes" and data["candidates"] == [] and data["rejected_total"] == 5
    rows = list(csv.DictReader(io.StringIO(client.get(f"/results/ballots/{polled.ballot.pk}/results.csv").text)))
    assert [(r["kind"], r["candidate"], r["votes"], r["majority"]) for r in rows] == [
        ("answer", "Yes", "1200", "yes"),
        ("answer", "No", "400", "no"),
    ]
    group = client.get(f"/results/{polled.group.pk}/").content.decode()
    assert "Majority for Yes" in group


def test_a_no_majority_and_a_tie_in_a_referendum(authority_a):
    polled, count_round = _count_referendum(authority_a, 300, 700)
    assert selectors.result_figures(count_round.session)["majority_answer"] == "No"
    counting.result_declare(acting_user=None, session=count_round.session)
    data = json.loads(Client().get(f"/results/ballots/{polled.ballot.pk}/results.json").content)
    assert data["majority_answer"] == "No" and data["margin"] == 400

    tied = referendum(authority_a, name="Tiedton", code="RT", days_ago=2)
    count_round = verified_round(tied, 1000)
    counting.count_answers_record(acting_user=None, count_round=count_round, votes={"Yes": 500, "No": 500})
    count_round.refresh_from_db()
    assert count_round.needs_lot == ""  # no lot is drawn in a referendum
    counting.electorate_set(acting_user=None, ballot=tied.ballot, electorate=2000)
    declaration = counting.result_declare(acting_user=None, session=count_round.session)
    assert declaration.figures["majority_answer"] is None
    context = documents.declaration_context(tied.ballot, count_round.session)
    assert context["elected"] == [] and "no answer has a majority" in context["t"]["dec_elected"]
    page = Client().get(f"/results/ballots/{tied.ballot.pk}/").content.decode()
    assert "no answer has a majority" in page


def test_a_referendum_recount_is_a_new_round_and_the_declaration_uses_it(authority_a, make_user):
    ro = make_user(Role.RETURNING_OFFICER, authority_a)
    polled = referendum(authority_a)
    first = verified_round(polled, 1000)
    counting.count_answers_record(acting_user=None, count_round=first, votes={"Yes": 498, "No": 502})
    session = first.session
    recount = counting.recount_request(acting_user=None, session=session, requested_by="Yes campaign", reason="Close")
    counting.recount_decide(acting_user=ro, recount=recount, grant=True)
    second = selectors.current_round(session)
    assert second.number == 2
    counting.count_answers_record(acting_user=None, count_round=second, votes={"Yes": 501, "No": 499})
    counting.electorate_set(acting_user=None, ballot=polled.ballot, electorate=3000)
    declaration = counting.result_declare(acting_user=ro, session=session)
    assert declaration.round_id == second.pk and declaration.figures["majority_answer"] == "Yes"
    assert {o.label: o.votes for o in CountOption.objects.filter(round=first)} == {"Yes": 498, "No": 502}


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        ({"Yes": 10}, "Enter the votes for No"),
        ({"Yes": 10, "No": -1}, "Enter a whole number of ballot papers"),
        ({"Yes": 10, "No": 5, "Maybe": 1}, "answers are Yes and No"),
        ({"Yes": "10", "No": 5}, "Enter a whole number of ballot papers"),
    ],
)
def test_bad_referendum_figures_are_refused_and_nothing_is_written(authority_a, votes, message):
    polled = referendum(authority_a)
    count_round = verified_round(polled, 15)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match=message):
        counting.count_answers_record(acting_user=None, count_round=count_round, votes=votes)
    count_round.refresh_from_db()
    assert not count_round.entered and not CountOption.objects.exists()
    assert AuditEvent.objects.count() == before
    assert count_round.session.state == CountState.COUNTING


def test_a_referendum_has_no_candidates_and_is_not_counted_by_candidate(authority_a):
    polled = referendum(authority_a)
    with pytest.raises(ValidationError, match="A referendum has no candidates"):
        counting_nominate(polled.ballot)
    count_round = verified_round(polled, 10)
    with pytest.raises(ValidationError, match="counted by the votes for each answer"):
        counting.count_figures_record(acting_user=None, count_round=count_round, votes={})
    with pytest.raises(ValidationError, match="Only a closed-list ballot"):
        counting.count_lists_record(acting_user=None, count_round=count_round, list_votes={})


def counting_nominate(ballot):
    from ems.elections import services as elections

    return elections.candidate_nominate(
        acting_user=None, ballot=ballot, surname="Nobody", other_names="A", home_address="1 Road",
        subscribers=[elections.SubscriberEntry("RA-1", "A")],
    )  # fmt: skip


# ---- closed lists (D'Hondt) ---------------------------------------------------------------------------


def _senedd(authority, **kwargs):
    return closed_list(
        authority,
        {"Brexit Party": ["Gill", "Wells", "Price"], "Plaid Cymru": ["Evans", "Hughes", "Owen"]},
        ("Jones",),
        **kwargs,
    )


def test_a_closed_list_ballot_is_counted_by_dhondt_and_declared_in_order_of_allocation(authority_a):
    polled = _senedd(authority_a)
    ballot = polled.ballot
    assert ballot.voting_system == "dhondt" and ballot.seats == 4
    assert [(c.surname, c.list_position) for c in selectors.standing_candidates(ballot)] == [
        ("Gill", 1), ("Wells", 2), ("Price", 3), ("Jones", None), ("Evans", 1), ("Hughes", 2), ("Owen", 3),
    ]  # fmt: skip
    total = sum(EP_2019.values()) + INDIVIDUAL
    count_round = verified_round(polled, total + 7)
    jones = polled.candidate("Jones")
    counting.count_lists_record(
        acting_user=None, count_round=count_round, list_votes=EP_2019, candidate_votes={jones.pk: INDIVIDUAL}
    )
    count_round.refresh_from_db()
    assert {o.label: o.votes for o in CountOption.objects.filter(round=count_round)} == EP_2019
    assert {e.candidate_id: e.votes for e in CountEntry.objects.filter(round=count_round)} == {jones.pk: INDIVIDUAL}
    ids = [polled.candidate(s).pk for s in ("Gill", "Evans", "Wells", "Jones")]
    assert count_round.elected == ids
    # The quotients: 271,404; 163,928; 271,404 / 2 = 135,702; 127,833 (against Brexit's 90,468 and Plaid's 81,964).
    assert [(q["party"], q["quotient"]) for q in count_round.report["rounds"]] == [
        ("Brexit Party", "271404.000000"),
        ("Plaid Cymru", "163928.000000"),
        ("Brexit Party", "135702.000000"),
        ("JONES, Alex", "127833.000000"),
    ]
    counting.doubtful_papers_adjudicate(
        acting_user=None, count_round=count_round, decision="rejected", head="unmarked", papers=7
    )
    figures = selectors.result_figures(count_round.session)
    assert not figures["reconcile"] and figures["valid_votes"] == total
    assert [(x["name"], x["kind"], x["votes"], x["seats"]) for x in figures["lists"]] == [
        ("Brexit Party", "list", 271_404, 2),
        ("JONES, Alex", "individual", INDIVIDUAL, 1),
        ("Plaid Cymru", "list", 163_928, 1),
    ]
    assert figures["elected"] == ["GILL, Alex", "EVANS, Alex", "WELLS, Alex", "JONES, Alex"]

    counting.electorate_set(acting_user=None, ballot=ballot, electorate=2_300_000)
    declaration = counting.result_declare(acting_user=None, session=count_round.session)
    assert declaration.valid_papers == total and declaration.rejected == 7
    statuses = {c.surname: c.status for c in ballot.candidates.all()}
    assert {s for s, status in statuses.items() if status == CandidateStatus.ELECTED} == {
        "Gill", "Wells", "Evans", "Jones",
    }  # fmt: skip
    assert statuses["Price"] == statuses["Hughes"] == CandidateStatus.NOT_ELECTED
    assert AuditEvent.objects.get(action="counting.result.declare").after["votes"] == {
        "Brexit Party": 271_404, "JONES, Alex": INDIVIDUAL, "Plaid Cymru": 163_928,
    }  # fmt: skip

    context = documents.declaration_context(ballot, count_round.session)
    assert [(c["name"], c["description"]) for c in context["candidates"]] == [
        ("Brexit Party", "2"), ("JONES, Alex", "1"), ("Plaid Cymru", "1"),
    ]  # fmt: skip
    assert context["elected"] == [
        "GILL, Alex (Brexit Party)", "EVANS, Alex (Plaid Cymru)", "WELLS, Alex (Brexit Party)", "JONES, Alex",
    ]  # fmt: skip
    assert documents.declaration(ballot, count_round.session, "pdf")[:4] == b"%PDF"

    client = Client()
    data = json.loads(client.get(f"/results/ballots/{ballot.pk}/results.json").content)
    assert [(x["name"], x["votes"], x["seats"]) for x in data["lists"]] == [
        ("Brexit Party", 271_404, 2), ("JONES, Alex", INDIVIDUAL, 1), ("Plaid Cymru", 163_928, 1),
    ]  # fmt: skip
    assert [m["name"] for m in data["elected_in_order"]] == ["GILL, Alex", "EVANS, Alex", "WELLS, Alex", "JONES, Alex"]
    assert data["lists"][0]["members"][2] == {"name": "PRICE, Alex", "list_position": 3, "elected": False}
    page = client.get(f"/results/ballots/{ballot.pk}/").content.decode()
    assert "271,404" in page and "Members elected, in the order the seats were allocated" in page
    rows = list(csv.DictReader(io.StringIO(client.get(f"/results/ballots/{ballot.pk}/results.csv").text)))
    assert [(r["kind"], r["candidate"], r["votes"], r["seats_won"]) for r in rows[:3]] == [
        ("list", "Brexit Party", "271404", "2"), ("individual", "JONES, Alex", "127833", "1"),
        ("list", "Plaid Cymru", "163928", "1"),
    ]  # fmt: skip
    gill = next(r for r in rows if r["candidate"] == "GILL, Alex")
    assert (gill["kind"], gill["list_position"], gill["votes"], gill["elected"]) == ("candidate", "1", "", "yes")
    group = client.get(f"/results/{polled.group.pk}/").content.decode()
    assert "GILL, Alex (Brexit Party)" in group


def test_an_exhausted_list_takes_no_more_seats(authority_a):
    polled = closed_list(authority_a, {"Big": ["Ash", "Birch", "Cedar"], "Small": ["Dee"]}, ("Elm",))
    count_round = verified_round(polled, 10_600)
    counting.count_lists_record(
        acting_user=None,
        count_round=count_round,
        list_votes={"Big": 9000, "Small": 1000},
        candidate_votes={polled.candidate("Elm").pk: 600},
    )
    count_round.refresh_from_db()
    # Big's list of three is used up after three seats: the fourth goes to Small (1,000 > 600).
    assert count_round.elected == [polled.candidate(s).pk for s in ("Ash", "Birch", "Cedar", "Dee")]


def test_equal_highest_figures_for_the_last_seat_are_decided_by_lot(authority_a, make_user):
    ro = make_user(Role.RETURNING_OFFICER, authority_a)
    polled = closed_list(authority_a, {"Red": ["Ash", "Birch"], "Blue": ["Cedar", "Dee"]}, seats=1)
    count_round = verified_round(polled, 200)
    counting.count_lists_record(
        acting_user=None, count_round=count_round, list_votes={"Red": 100, "Blue": 100}, candidate_votes={}
    )
    count_round.refresh_from_db()
    assert "equal highest figures" in count_round.needs_lot and count_round.elected == []
    counting.lot_draw(acting_user=ro, count_round=count_round, seed=42)
    count_round.refresh_from_db()
    winner = count_round.tie_breaks[0]["outcome"]
    first = {"Red": polled.candidate("Ash").pk, "Blue": polled.candidate("Cedar").pk}[winner]
    assert count_round.elected == [first] and count_round.needs_lot == ""


@pytest.mark.parametrize(
    ("list_votes", "individual", "message"),
    [
        ({"Brexit Party": 10}, 5, "Enter the votes for Plaid Cymru"),
        ({"Brexit Party": 10, "Plaid Cymru": 3}, None, "Enter the votes for JONES, Alex"),
        ({"Brexit Party": 10, "Plaid Cymru": -3}, 5, "Enter a whole number of ballot papers"),
        ({"Brexit Party": 10, "Plaid Cymru": 3, "Reform": 1}, 5, "not standing at this ballot"),
    ],
)
def test_bad_list_figures_are_refused_and_nothing_is_written(authority_a, list_votes, individual, message):
    polled = _senedd(authority_a)
    count_round = verified_round(polled, 100)
    given = {polled.candidate("Jones").pk: individual} if individual is not None else {}
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match=message):
        counting.count_lists_record(
            acting_user=None, count_round=count_round, list_votes=list_votes, candidate_votes=given
        )
    count_round.refresh_from_db()
    assert not count_round.entered
    assert not CountOption.objects.exists() and not CountEntry.objects.exists()
    assert AuditEvent.objects.count() == before
    with pytest.raises(ValidationError, match="counted by the votes for each party list"):
        counting.count_figures_record(acting_user=None, count_round=count_round, votes={})
    with pytest.raises(ValidationError, match="Only a referendum"):
        counting.count_answers_record(acting_user=None, count_round=count_round, votes={"Yes": 1, "No": 1})


def test_deposits_at_a_closed_list_ballot_are_left_held(authority_a):
    polled = _senedd(authority_a)
    gill = polled.candidate("Gill")
    deposit = Deposit.objects.create(
        authority=authority_a, candidate=gill, amount_pence=50000, method="cash", received_at=gill.created_at
    )
    count_round = verified_round(polled, 700)
    counting.count_lists_record(
        acting_user=None,
        count_round=count_round,
        list_votes={"Brexit Party": 400, "Plaid Cymru": 200},
        candidate_votes={polled.candidate("Jones").pk: 100},
    )
    counting.electorate_set(acting_user=None, ballot=polled.ballot, electorate=1000)
    counting.result_declare(acting_user=None, session=count_round.session)
    deposit.refresh_from_db()
    assert deposit.state == DepositState.HELD
    assert Declaration.objects.filter(session=count_round.session).exists()


# ---- the count entry page ---------------------------------------------------------------------------


@pytest.fixture
def staff_client(authority_a, make_user, client_for):
    return client_for(make_user(Role.POLL_STAFF, authority_a))


def test_the_referendum_count_form(authority_a, make_user, client_for, staff_client):
    polled = referendum(authority_a)
    count_round = verified_round(polled, 150)
    url = f"/count/ballots/{polled.ballot.pk}/count/"
    page = staff_client.get(url).content.decode()
    assert QUESTION in page and 'name="answer_1"' in page and "Votes for Yes" in page
    response = staff_client.post(url, {"answer_1": "100", "answer_2": "-4"})
    assert response.status_code == 200 and b"govuk-error-summary" in response.content
    assert b"Votes for No must be 0 or more" in response.content
    response = staff_client.post(url, {"answer_1": "100"})
    assert response.status_code == 200 and b"Enter the votes for No" in response.content
    assert not CountOption.objects.exists()
    auditor = client_for(make_user(Role.AUDITOR, authority_a))
    assert auditor.post(url, {"answer_1": "100", "answer_2": "50"}).status_code == 403
    response = staff_client.post(url, {"answer_1": "100", "answer_2": "50"})
    assert response.status_code == 302 and response["Location"].endswith(
        f"/count/ballots/{polled.ballot.pk}/provisional/"
    )
    page = staff_client.get(response["Location"]).content.decode()
    assert "A majority of the valid votes was given for" in page and "66.67%" in page
    assert CountRound.objects.get(pk=count_round.pk).entered
    ro = client_for(make_user(Role.RETURNING_OFFICER, authority_a))
    page = ro.get(f"/count/ballots/{polled.ballot.pk}/declare/").content.decode()
    assert "Declare the result" in page and "66.67%" in page and QUESTION in page


def test_the_closed_list_count_form(authority_a, make_user, client_for, staff_client):
    polled = _senedd(authority_a)
    verified_round(polled, 800)
    jones = polled.candidate("Jones")
    url = f"/count/ballots/{polled.ballot.pk}/count/"
    page = staff_client.get(url).content.decode()
    assert "Votes for Brexit Party" in page and f'name="votes_{jones.pk}"' in page and 'name="list_1"' in page
    response = staff_client.post(url, {"list_1": "300", f"votes_{jones.pk}": "x", "list_3": ""})
    assert response.status_code == 200 and b"govuk-error-summary" in response.content
    assert b"Votes for JONES, Alex must be a whole number" in response.content
    assert b"Enter the votes for Plaid Cymru" in response.content
    assert not CountOption.objects.exists()
    auditor = client_for(make_user(Role.AUDITOR, authority_a))
    assert auditor.get(url).status_code == 403
    response = staff_client.post(url, {"list_1": "500", f"votes_{jones.pk}": "100", "list_3": "200"})
    assert response.status_code == 302
    page = staff_client.get(f"/count/ballots/{polled.ballot.pk}/provisional/").content.decode()
    assert "Members elected, in the order the seats were allocated" in page
    assert "GILL, Alex" in page and "1. GILL, Alex" in page
    page = staff_client.get(f"/count/ballots/{polled.ballot.pk}/").content.decode()
    assert "Brexit Party" in page
