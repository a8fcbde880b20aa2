"""Elections pages: each renders for a permitted role; forms show GOV.UK errors and write nothing;
a rejected subscriber's reason is on the page; documents download."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from elections_helpers import nominate

from ems.accounts.roles import Role
from ems.elections.models import Ballot, BallotStatus, Candidate, CandidateStatus, ElectionGroup, Withdrawal

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(poll, make_user, client_for):
    return client_for(make_user(Role.MANAGER, poll.authority))


@pytest.fixture
def officer(poll, make_user, client_for):
    return client_for(make_user(Role.OFFICER, poll.authority))


def test_every_page_renders_for_a_manager(poll, manager):
    candidate = nominate(poll.north, "Page", "Pat", poll.numbers["alice"], poll.numbers["anon"])
    paper = candidate.papers.get()
    entry = poll.group.timetable.first()
    pages = [
        "/elections/",
        "/elections/new/",
        "/elections/combined/new/",
        "/elections/templates/",
        "/elections/templates/upload/",
        f"/elections/{poll.group.pk}/",
        f"/elections/{poll.group.pk}/ballots/add/",
        f"/elections/{poll.group.pk}/publish-notice/",
        f"/elections/timetable/{entry.pk}/",
        f"/elections/ballots/{poll.north.pk}/",
        f"/elections/ballots/{poll.north.pk}/nominate/",
        f"/elections/ballots/{poll.north.pk}/close-nominations/",
        f"/elections/ballots/{poll.north.pk}/publish-sopn/",
        f"/elections/candidates/{candidate.pk}/",
        f"/elections/candidates/{candidate.pk}/papers/add/",
        f"/elections/candidates/{candidate.pk}/withdraw/",
        f"/elections/candidates/{candidate.pk}/deposit/",
        f"/elections/candidates/{candidate.pk}/agent/",
        f"/elections/papers/{paper.pk}/decide/",
        f"/elections/papers/{paper.pk}/check-again/",
    ]
    for url in pages:
        response = manager.get(url)
        assert response.status_code == 200, url
        assert b"There is a problem" not in response.content, url


def test_election_page_shows_timetable_with_next_deadline(poll, manager):
    html = manager.get(f"/elections/{poll.group.pk}/").content.decode()
    assert 'id="next-deadline"' in html and "Next deadline" in html
    assert "local.alpha.north.2027-05-06" in html
    assert "Close of nominations" in html or "close of nominations" in html.lower()


def test_create_election_through_the_form(poll, manager):
    html = manager.get("/elections/new/").content.decode()
    assert "North (Ward)" in html
    response = manager.post(
        "/elections/new/",
        {"election_type": "pcc", "nation": "ENG", "poll_date": "6/5/2027", "whole_area": "on", "seats": "1"},
    )
    assert response.status_code == 302
    group = ElectionGroup.objects.get(dc_group_id="pcc.2027-05-06")
    assert response["Location"] == f"/elections/{group.pk}/"
    assert group.ballots.get().area is None and group.timetable.exists()


def test_create_election_errors_write_nothing(poll, manager):
    before = ElectionGroup.objects.count()
    response = manager.post("/elections/new/", {"election_type": "", "nation": "ENG", "poll_date": "31/2/2027"})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "Choose the type of election" in html and "must be a real date" in html
    assert "Choose at least one area" in html
    response = manager.post(
        "/elections/new/",
        {"election_type": "local", "nation": "ENG", "poll_date": "6/5/2027", "areas": [str(poll.north.area_id)],
         "seats": "1"},
    )  # fmt: skip
    assert "already an election local.2027-05-06" in response.content.decode()
    assert ElectionGroup.objects.count() == before


def test_nomination_form_records_a_paper_and_shows_the_rejected_subscriber(poll, officer):
    n = poll.numbers
    response = officer.post(
        f"/elections/ballots/{poll.north.pk}/nominate/",
        {"surname": "Formby", "other_names": "George", "affiliation": "none", "home_address": "1 Ukulele Lane",
         "sub-1-number": n["alice"], "sub-1-name": "Alice Adams", "sub-2-number": n["anon"], "sub-2-name": "Ann",
         "consent_received": "on", "home_address_form_received": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Candidate.objects.filter(surname="Formby").exists()
    html = officer.get(response["Location"]).content.decode()
    assert "Rejected" in html and "Anonymous electors may not subscribe a nomination paper" in html
    assert "Problems found" in html and "Alice Adams" in html


def test_nomination_form_errors_write_nothing(poll, officer):
    response = officer.post(
        f"/elections/ballots/{poll.north.pk}/nominate/",
        {"surname": "", "other_names": "", "affiliation": "party", "description": "a b c d e f g",
         "home_address": "", "received_date": "1/3/2027"},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "Enter the surname" in html and "Enter the subscribers" in html and "Enter the time" in html
    assert not Candidate.objects.exists()
    # Valid form, but the service refuses the description: the error is shown, nothing written.
    response = officer.post(
        f"/elections/ballots/{poll.north.pk}/nominate/",
        {"surname": "Wordy", "other_names": "Will", "affiliation": "party", "party_name": "P",
         "description": "one two three four five six seven", "home_address": "1 Road",
         "sub-1-number": poll.numbers["alice"]},
    )  # fmt: skip
    assert "six words" in response.content.decode()
    assert not Candidate.objects.exists()


def test_decide_withdraw_close_and_publish_through_the_pages(poll, make_user, client_for, clock):
    user = make_user(Role.MANAGER, poll.authority)
    manager = client_for(user)
    n = poll.numbers
    keep = nominate(poll.north, "Keeper", "Kay", n["alice"], n["bob"])
    leave = nominate(poll.north, "Leaver", "Lee", n["carol"], n["dan"])
    paper = keep.papers.get()
    response = manager.post(f"/elections/papers/{paper.pk}/decide/", {"decision": "invalid", "reason": ""})
    assert "Give the reason the paper is invalid" in response.content.decode()
    assert manager.post(f"/elections/papers/{paper.pk}/decide/", {"decision": "valid"}).status_code == 302
    keep.refresh_from_db()
    assert keep.status == CandidateStatus.VALID

    clock.move_to(poll.close() + dt.timedelta(minutes=5))
    manager = client_for(user)  # a fresh session: the idle timeout passed while the clock moved
    response = manager.post(f"/elections/candidates/{leave.pk}/withdraw/", {"delivered_by": "Lee"})
    assert "Notice of withdrawal had to be delivered by 4pm" in response.content.decode()
    assert not Withdrawal.objects.exists()
    close_day = poll.close().date()
    response = manager.post(
        f"/elections/candidates/{leave.pk}/withdraw/",
        {"received_date": f"{close_day.day}/{close_day.month}/{close_day.year}", "received_time": "3:30pm"},
    )
    assert response.status_code == 302
    assert manager.post(f"/elections/ballots/{poll.north.pk}/close-nominations/", {"confirm": "on"}).status_code == 302
    html = manager.get(f"/elections/ballots/{poll.north.pk}/publish-sopn/").content.decode()
    assert "elected unopposed" in html
    assert manager.post(f"/elections/ballots/{poll.north.pk}/publish-sopn/", {}).status_code == 200  # no tick
    assert manager.post(f"/elections/ballots/{poll.north.pk}/publish-sopn/", {"confirm": "on"}).status_code == 302
    ballot = Ballot.objects.get(pk=poll.north.pk)
    assert ballot.status == BallotStatus.DECLARED and ballot.uncontested

    docx = manager.get(f"/elections/ballots/{ballot.pk}/notices/declaration-of-result.docx")
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "KEEPER, Kay" in text and "elected unopposed" in text
    pdf = manager.get(f"/elections/ballots/{ballot.pk}/notices/sopn.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert manager.get(f"/elections/ballots/{ballot.pk}/notices/nonsense.pdf").status_code == 404
    assert manager.get(f"/elections/ballots/{ballot.pk}/notices/sopn.exe").status_code == 404


def test_officer_may_not_sign_off(poll, officer):
    candidate = nominate(poll.north, "Nosign", "Nat", poll.numbers["alice"], poll.numbers["bob"])
    assert officer.get(f"/elections/papers/{candidate.papers.get().pk}/decide/").status_code == 403
    assert officer.get(f"/elections/ballots/{poll.north.pk}/publish-sopn/").status_code == 403


def test_template_upload_form(poll, manager):
    response = manager.post("/elections/templates/upload/", {"kind": "sopn", "language": "en"})
    assert "Choose a .docx file" in response.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.docx", b"not a word file")
    response = manager.post("/elections/templates/upload/", {"kind": "sopn", "language": "en", "file": bad})
    assert "must be a Word document" in response.content.decode()
    default = manager.get("/elections/templates/default/?kind=sopn")
    assert default.status_code == 200
    good = SimpleUploadedFile("ours.docx", default.content)
    assert (
        manager.post("/elections/templates/upload/", {"kind": "sopn", "language": "en", "file": good}).status_code
        == 302
    )
    assert "ours.docx" in manager.get("/elections/templates/").content.decode()


def test_dashboard_panel_and_timetable_page(poll, manager):
    html = manager.get("/dashboard/").content.decode()
    assert "Next polling day" in html and "6 May 2027" in html
    entry = poll.group.timetable.get(key="registration")
    response = manager.post(f"/elections/timetable/{entry.pk}/", {"note": "x"})
    assert "Tick" in response.content.decode()
    response = manager.post(f"/elections/timetable/{entry.pk}/", {"done": "on", "done_on": "2/3/2027"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.done_on == dt.date(2027, 3, 2)


def test_ballot_and_combined_pages(poll, manager):
    response = manager.post(f"/elections/{poll.group.pk}/ballots/add/", {"area": "", "title": "Town", "seats": "0"})
    assert "Seats must be 1 or more" in response.content.decode()
    response = manager.post(f"/elections/{poll.group.pk}/ballots/add/", {"area": "", "title": "Town", "seats": "2"})
    assert response.status_code == 302
    assert poll.group.ballots.filter(title="Town", area=None).exists()
    response = manager.post("/elections/combined/new/", {"ballots": [str(poll.north.pk), str(poll.south.pk)]})
    assert "at least two different elections" in response.content.decode()


def test_ro_chosen_dates_of_a_parliamentary_by_election(poll, manager):
    from ems.geography.models import AreaType, ElectoralArea

    seat = ElectoralArea.objects.create(authority=poll.authority, area_type=AreaType.CONSTITUENCY, name="Seatown")
    response = manager.post(
        "/elections/new/",
        {"election_type": "ukp-by", "nation": "ENG", "poll_date": "6/5/2027", "areas": [str(seat.pk)], "seats": "1"},
    )
    group = ElectionGroup.objects.get(dc_group_id="parl.2027-05-06")
    assert response.status_code == 302 and group.ballots.get().dc_ballot_id == "parl.seatown.by.2027-05-06"
    entry = group.timetable.get(key="close_of_nominations")
    assert entry.ro_chooses and entry.due_date is None
    html = manager.get(f"/elections/{group.pk}/").content.decode()
    assert "RO chooses" in html
    too_late = entry.latest + dt.timedelta(days=1)
    response = manager.post(
        f"/elections/timetable/{entry.pk}/", {"due_date": f"{too_late.day}/{too_late.month}/{too_late.year}"}
    )
    assert "The law allows" in response.content.decode() and "at the latest" in response.content.decode()
    day = entry.latest
    response = manager.post(
        f"/elections/timetable/{entry.pk}/",
        {"due_date": f"{day.day}/{day.month}/{day.year}", "due_time": "4pm"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.due_date == day and entry.due_time == dt.time(16)
