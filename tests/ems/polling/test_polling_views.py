"""The polling pages: the preview is prominent, sign-off needs its role, forms show GOV.UK errors."""

from __future__ import annotations

import datetime as dt

import pytest

from ems.accounts.roles import Role
from ems.audit.models import AuditEvent
from ems.polling.models import LateEntry, Poll, RunState, StationDetails

pytestmark = pytest.mark.django_db


def test_start_arrangements_for_an_election(place, make_user, client_for):
    Poll.objects.all().delete()
    client = client_for(make_user(Role.OFFICER, place.authority))
    page = client.get(f"/polling/start/?election={place.election.pk}")
    assert page.status_code == 200 and b"Start the polling arrangements" in page.content
    assert client.post("/polling/start/", {"election": place.election.pk}).status_code == 200  # not confirmed
    response = client.post("/polling/start/", {"election": place.election.pk, "confirm": "on"})
    poll = Poll.objects.get(group=place.election)
    assert response.status_code == 302 and response["Location"] == f"/polling/{poll.pk}/"
    assert client.get("/polling/").status_code == 200
    assert client.get("/polling/start/?election=abc").status_code == 302  # nothing chosen: back to the list


def test_preview_shows_exclusions_and_sign_off_needs_the_role(place, make_user, client_for):
    place.add("NA", "Ontime")
    place.add("NA", "Toolate", dt.date(2027, 5, 1))
    officer = client_for(make_user(Role.OFFICER, place.authority))
    ro = client_for(make_user(Role.RETURNING_OFFICER, place.authority))
    assert officer.post(f"/polling/{place.poll.pk}/eligibility/", {"confirm": "on"}).status_code == 302
    run = place.poll.runs.get()
    # With the immediate task backend the job ran once the request's transaction committed.
    if run.state == RunState.RUNNING:
        from ems.jobs.runner import execute

        execute(run.job_id)
    page = officer.get(f"/polling/runs/{run.pk}/")
    html = page.content.decode()
    assert "Not signed off" in html
    assert "added to the register after the registration deadline" in html
    assert "Added after the registration deadline (19 April 2027) without a legal exception" in html
    assert "Toolate" in html
    assert f"/polling/runs/{run.pk}/sign-off/" not in html  # the officer may not sign off
    assert officer.get(f"/polling/runs/{run.pk}/sign-off/").status_code == 403
    # Filtering by reason and paging never fail.
    assert officer.get(f"/polling/runs/{run.pk}/?reason=under_voting_age&page=zz&ballot=x").status_code == 200

    form = ro.post(f"/polling/runs/{run.pk}/sign-off/", {"confirm": "on"})
    assert form.status_code == 200 and b"govuk-error-summary" in form.content
    assert b"Confirm you have reviewed the 1 elector added after the registration deadline" in form.content
    done = ro.post(f"/polling/runs/{run.pk}/sign-off/", {"confirm": "on", "exclusions_reviewed": "on", "note": "OK"})
    assert done.status_code == 302
    run.refresh_from_db()
    assert run.state == RunState.SIGNED_OFF
    assert AuditEvent.objects.filter(action="polling.eligibility.sign_off").count() == 1
    assert b"Signed off by" in ro.get(f"/polling/runs/{run.pk}/").content


def test_poll_cards_page_refuses_before_sign_off(place, make_user, client_for):
    client = client_for(make_user(Role.MANAGER, place.authority))
    page = client.get(f"/polling/{place.poll.pk}/poll-cards/")
    assert b"No eligibility run yet" in page.content
    response = client.post(f"/polling/{place.poll.pk}/poll-cards/", {"formats": ["csv"], "confirm": "on"})
    assert response.status_code == 200 and b"No eligibility run yet" in response.content
    assert b"No eligibility run yet" in client.get(f"/polling/{place.poll.pk}/packs/").content
    assert b"No eligibility run yet" in client.get(f"/polling/{place.poll.pk}/ballot-papers/").content


def test_late_entry_form(place, make_user, client_for):
    elector = place.add("NA", "Late", dt.date(2027, 5, 1))
    client = client_for(make_user(Role.OFFICER, place.authority))
    url = f"/polling/{place.poll.pk}/late-entries/"
    bad = client.post(url, {"elector_number": "ZZ-999", "basis": "clerical_error", "reference": "X"})
    assert b"No elector has that number" in bad.content
    missing = client.post(url, {"elector_number": elector.elector_number_display})
    assert b"Choose the legal exception that applies" in missing.content and b"Enter the reference" in missing.content
    ok = client.post(
        url, {"elector_number": elector.elector_number_display, "basis": "court_decision", "reference": "Order 12"}
    )
    assert ok.status_code == 302
    assert LateEntry.objects.get().basis == "court_decision"
    assert b"Order 12" in client.get(url).content


def test_stations_allocation_and_survey_forms(place, make_user, client_for):
    place.station("N1", "NA")
    client = client_for(make_user(Role.OFFICER, place.authority))
    url = f"/polling/{place.poll.pk}/stations/allot/"
    bad = client.post(
        url, {"district": place.districts["NA"].pk, "station": place.stations["N1"].pk, "from_number": "5"}
    )
    assert b"Give both ends of the elector number range" in bad.content
    assert client.post(url, {"district": "junk", "station": ""}).status_code == 200
    ok = client.post(url, {"district": place.districts["NA"].pk, "station": place.stations["N1"].pk})
    assert ok.status_code == 302
    page = client.get(f"/polling/{place.poll.pk}/stations/")
    assert b"N1 Village Hall" in page.content and b"Not yet allotted to a station: NB, SA" in page.content
    assert b"<svg" in page.content  # the station point is mapped

    edit = f"/polling/stations/{place.stations['N1'].pk}/edit/"
    bad = client.post(edit, {"hire_cost": "lots", "surveyed_on": "31/2/2027"})
    assert b"Enter an amount in pounds" in bad.content and b"Enter a real date" in bad.content
    ok = client.post(edit, {"hire_cost": "120.50", "step_free": "on", "surveyed_on": "1/3/2027"})
    assert ok.status_code == 302
    details = StationDetails.objects.get()
    assert (details.hire_cost_pence, details.step_free, details.surveyed_on) == (12050, True, dt.date(2027, 3, 1))
    assert b"\xc2\xa3120.50" in client.get(f"/polling/stations/{place.stations['N1'].pk}/").content


def test_poll_staff_may_read_but_not_arrange(place, make_user, client_for):
    staff = client_for(make_user(Role.POLL_STAFF, place.authority))
    assert staff.get(f"/polling/{place.poll.pk}/").status_code == 200
    assert staff.get(f"/polling/{place.poll.pk}/stations/").status_code == 200
    assert staff.get(f"/polling/{place.poll.pk}/eligibility/").status_code == 403
    assert staff.post(f"/polling/{place.poll.pk}/eligibility/", {"confirm": "on"}).status_code == 403
