"""A referendum's question, and closed-list (D'Hondt) nominations with list positions: the
services, the forms, and the statement of persons nominated in list order."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from elections_helpers import POLL, nominate

from ems.accounts.roles import Role
from ems.audit.models import AuditEvent
from ems.elections import selectors
from ems.elections import services as elections
from ems.elections.models import Ballot, Candidate, ElectionGroup
from ems.elections.services import BallotSpec

pytestmark = pytest.mark.django_db

QUESTION = "Do you want the council to use the neighbourhood plan for North to decide planning applications?"


def _senedd(poll):
    group = elections.election_group_create(
        acting_user=None, authority=poll.authority, election_type="senedd", nation="WLS", poll_date=POLL,
        ballots=[BallotSpec(area=poll.north.area, seats=6)],
    )  # fmt: skip
    elections.election_notice_publish(acting_user=None, group=group)
    return group.ballots.get()


def _party(ballot, surname, party, position, poll):
    return nominate(
        ballot, surname, "Alex", poll.numbers["alice"], poll.numbers["bob"],
        affiliation="party", party_name=party, description=party, list_position=position,
    )  # fmt: skip


# ---- referendum question -------------------------------------------------------------------------


def test_a_referendum_ballot_carries_its_question(poll):
    group = elections.election_group_create(
        acting_user=None, authority=poll.authority, election_type="np-referendum", nation="ENG", poll_date=POLL,
        ballots=[BallotSpec(area=poll.north.area, referendum_question=f"  {QUESTION} ")],
    )  # fmt: skip
    ballot = group.ballots.get()
    assert (ballot.voting_system, ballot.referendum_question) == ("referendum", QUESTION)
    event = AuditEvent.objects.get(action="elections.group.create", object_id=str(group.pk))
    assert ballot.dc_ballot_id in event.after["ballots"]
    added = elections.ballot_add(
        acting_user=None, group=group, spec=BallotSpec(area=poll.south.area, referendum_question="Second question?")
    )
    assert added.referendum_question == "Second question?"
    assert AuditEvent.objects.get(action="elections.ballot.add").after["referendum_question"] == "Second question?"
    # No candidates, no statement of persons nominated (it would return the question "unopposed").
    elections.election_notice_publish(acting_user=None, group=group)
    with pytest.raises(ValidationError, match="A referendum has no candidates"):
        nominate(ballot, "Nobody", "Alex", poll.numbers["alice"])
    with pytest.raises(ValidationError, match="no statement of persons nominated"):
        elections.sopn_publish(acting_user=None, ballot=ballot)


def test_only_a_referendum_has_a_question(poll):
    with pytest.raises(ValidationError, match="Only a referendum has a question"):
        elections.ballot_add(acting_user=None, group=poll.group, spec=BallotSpec(area=None, referendum_question="Q?"))
    assert not Ballot.objects.filter(area=None).exists()


def test_the_create_and_add_forms_take_the_question(poll, make_user, client_for):
    manager = client_for(make_user(Role.MANAGER, poll.authority))
    assert "Referendum question" in manager.get("/elections/new/").content.decode()
    response = manager.post(
        "/elections/new/",
        {"election_type": "np-referendum", "nation": "ENG", "poll_date": "6/5/2027", "whole_area": "on", "seats": "1",
         "referendum_question": QUESTION},
    )  # fmt: skip
    assert response.status_code == 302
    group = ElectionGroup.objects.get(election_type="np-referendum")
    assert group.ballots.get().referendum_question == QUESTION
    response = manager.post(
        f"/elections/{poll.group.pk}/ballots/add/", {"title": "Extra", "seats": "1", "referendum_question": "Q?"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html and "Only a referendum has a question" in html
    assert not Ballot.objects.filter(title="Extra").exists()
    viewer = client_for(make_user(Role.POLL_STAFF, poll.authority))
    assert viewer.post(f"/elections/{group.pk}/ballots/add/", {"seats": "1"}).status_code == 403


# ---- closed lists ------------------------------------------------------------------------------------


def test_list_positions_are_unique_per_party_and_the_sopn_follows_the_lists(poll):
    ballot = _senedd(poll)
    assert ballot.voting_system == "dhondt"
    _party(ballot, "Zeta", "Red Party", 1, poll)
    _party(ballot, "Alpha", "Red Party", 2, poll)
    _party(ballot, "Beta", "Blue Party", 1, poll)
    individual = nominate(
        ballot, "Moss", "Alex", poll.numbers["alice"], affiliation="independent", description="Independent"
    )
    assert individual.list_position is None
    with pytest.raises(ValidationError, match="already number 2 on the Red Party list"):
        _party(ballot, "Gamma", "red party", 2, poll)
    with pytest.raises(ValidationError, match="position on the party's list"):
        _party(ballot, "Gamma", "Red Party", None, poll)
    with pytest.raises(ValidationError, match="position on the party's list"):
        _party(ballot, "Gamma", "Red Party", 0, poll)
    with pytest.raises(ValidationError, match="not on a party list"):
        nominate(ballot, "Fern", "Alex", poll.numbers["alice"], affiliation="none", list_position=1)
    assert not Candidate.objects.filter(surname__in=("Gamma", "Fern")).exists()
    event = AuditEvent.objects.filter(action="elections.candidate.nominate").order_by("id").first()
    assert event is not None and event.after["list_position"] == 1
    # Blue Party's list, the individual Moss, then Red Party's list in list order (not by surname).
    order = [(c.surname, c.list_position) for c in selectors.ballot_candidates(ballot)]
    assert order == [("Beta", 1), ("Moss", None), ("Zeta", 1), ("Alpha", 2)]
    rows = selectors.sopn(ballot)["not_standing"]  # papers not yet decided
    assert [(r["surname"], r["list"], r["list_position"]) for r in rows] == [
        ("BETA", "Blue Party", 1), ("MOSS", "", ""), ("ZETA", "Red Party", 1), ("ALPHA", "Red Party", 2),
    ]  # fmt: skip


def test_list_positions_only_at_closed_list_ballots(poll):
    with pytest.raises(ValidationError, match="closed-list ballots only"):
        nominate(poll.north, "Local", "Alex", poll.numbers["alice"], affiliation="party", party_name="P",
                 list_position=1)  # fmt: skip


def test_the_nomination_form_takes_the_list_position(poll, make_user, client_for):
    ballot = _senedd(poll)
    officer = client_for(make_user(Role.OFFICER, poll.authority))
    url = f"/elections/ballots/{ballot.pk}/nominate/"
    assert 'name="list_position"' in officer.get(url).content.decode()
    assert 'name="list_position"' not in officer.get(f"/elections/ballots/{poll.north.pk}/nominate/").content.decode()
    data = {
        "surname": "Hughes", "other_names": "Alex", "affiliation": "party", "party_name": "Red Party",
        "description": "Red Party", "home_address": "1 Road", "sub-1-number": poll.numbers["alice"],
        "list_position": "1",
    }  # fmt: skip
    response = officer.post(url, data)
    assert response.status_code == 302
    assert Candidate.objects.get(surname="Hughes").list_position == 1
    response = officer.post(url, {**data, "surname": "Owen"})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "is already number 1 on the Red Party list" in html
    response = officer.post(url, {**data, "surname": "Owen", "list_position": "-2"})
    assert response.status_code == 200 and "must be 1 or more" in response.content.decode()
    assert not Candidate.objects.filter(surname="Owen").exists()
    staff = client_for(make_user(Role.POLL_STAFF, poll.authority))
    assert staff.post(url, {**data, "surname": "Owen", "list_position": "2"}).status_code == 403


def test_the_sopn_document_prints_each_list_and_position(poll):
    from ems.elections import notices

    ballot = _senedd(poll)
    _party(ballot, "Zeta", "Red Party", 1, poll)
    _party(ballot, "Alpha", "Red Party", 2, poll)
    nominate(ballot, "Moss", "Alex", poll.numbers["alice"], affiliation="independent", description="Independent")
    context = notices.sopn_context(ballot)
    described = {r["surname"]: r["description"] for r in context["standing"] + context["not_standing"]}
    assert described == {
        "ZETA": "Red Party (Red Party list, position 1)",
        "ALPHA": "Red Party (Red Party list, position 2)",
        "MOSS": "Independent",
    }
