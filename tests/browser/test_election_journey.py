"""An election from set-up to poll cards in a real Chromium, on the days the law sets.

The local elections of Thursday 6 May 2027 (``ems timetable local ENG 2027-05-06``): the
officer creates the election and the timetable is shown; the notice of election is published
and three nomination papers are recorded on 30 March, one with a seconder who is not in the
register, which the Returning Officer rules invalid; nominations close on 8 April and the
statement of persons nominated is published. On 20 April, after the registration deadline
(19 April), the officer allots the ward's polling districts to stations and runs the eligibility
check: the preview shows an elector added after the deadline, excluded with the reason; the
Returning Officer signs it off; ballot paper numbers are allocated; the poll cards CSV and a PDF
are downloaded; and the notice of poll is generated.

The clock is moved with ``time_machine`` (the live server runs in this process, so it moves
too). The register is ``ems demo-data``; polling places and stations are created as test data
(councils import them from their EMS export). Each page is screenshotted and checked with
axe-core by ``ui.check``; ``ui.assert_clean`` fails on any accessibility violation or CSP error.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import UI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GSS = "E07000322"
DEMO_PASSWORD = "ems-demo-password"  # the documented demo login
LONDON = zoneinfo.ZoneInfo("Europe/London")
POLL_DAY = "6/5/2027"


def h1(ui: UI) -> str:
    return str(ui.page.locator("h1").inner_text()).strip()


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def service_link(ui: UI, name: str) -> Any:
    return ui.page.get_by_role("navigation", name="Service areas").get_by_role("link", name=name, exact=True)


def click(ui: UI, role: str, name: str) -> None:
    ui.page.get_by_role(role, name=name, exact=True).first.click()  # type: ignore[arg-type]
    ui.page.wait_for_load_state()


def sign_in(ui: UI, role: str) -> None:
    from django_otp.oath import totp

    username = f"{role}@{GSS}"  # demo-data's username for a non-default authority
    ui.page.context.clear_cookies()
    ui.goto("/account/sign-in/")
    ui.sign_in(username, DEMO_PASSWORD)
    if "/account/two-factor/" in ui.path():
        key = demo_data_totp_key(username)
        ui.enter_code(f"{totp(key, 30, 0, 6, 0):06d}")
    assert ui.path() == "/dashboard/", ui.path()


def demo_data_totp_key(username: str) -> bytes:
    import importlib

    return importlib.import_module("ems.register.management.commands.demo-data").demo_totp_key(username)  # type: ignore[no-any-return]


def the_ward() -> tuple[Any, list[Any], Any]:
    """The demo ward with the most electors, its districts and four adult electors of it."""
    from django.db.models import Count

    from ems.geography.models import ElectoralArea, PollingDistrict
    from ems.register.models import Elector

    ward = (
        ElectoralArea.objects.filter(authority__gss_code=GSS, area_type="ward")
        .annotate(n=Count("polling_districts__electors"))
        .order_by("-n", "name")
        .first()
    )
    assert ward is not None
    districts = list(PollingDistrict.objects.filter(ward=ward).order_by("code"))
    electors = Elector.records.filter(polling_district__ward=ward, is_anonymous=False, deleted_on=None)
    adults = electors.filter(markers="", attainer_date=None).select_related("polling_district").order_by("pk")
    return ward, districts, list(adults[:4])


def nominate(ui: UI, surname: str, proposer: str, seconder: str) -> None:
    page = ui.page
    click(ui, "link", "Record a nomination paper")
    page.get_by_label("Surname", exact=True).fill(surname)
    page.get_by_label("Other names", exact=True).fill("Sam")
    page.get_by_label("Home address", exact=True).fill(f"1 {surname} Road, Testshire")
    page.get_by_label("Proposer: elector number", exact=True).fill(proposer)
    page.get_by_label("Seconder: elector number", exact=True).fill(seconder)
    click(ui, "button", "Record and check the paper")
    assert re.fullmatch(r"/elections/candidates/\d+/", ui.path()), ui.path()


def test_election_from_set_up_to_poll_cards(ui: UI, tmp_path: Path) -> None:
    from ems.geography.models import PollingPlace, PollingStation
    from ems.register import services_alterations as alterations

    call_command("demo-data", "--electors", "300", "--seed", "1", "--authority", GSS, stdout=io.StringIO())
    ward, districts, adults = the_ward()
    assert len(adults) >= 4
    nobody = f"{districts[0].code}-99999"  # no elector has this number
    for i, district in enumerate(districts, start=1):
        place = PollingPlace.objects.create(
            authority=district.authority, code=f"PL{i}", name=f"{district.name} Community Hall",
            address_1=f"{i} Station Road", postcode="TS1 1AA",
        )  # fmt: skip
        PollingStation.objects.create(
            authority=district.authority, code=f"ST{i}", number=str(i), place=place, district=district
        )
    # Registered after the deadline (a monthly notice of 1 May 2027), with no legal exception.
    late = alterations.elector_add(
        acting_user=None, authority=ward.authority, polling_district=districts[0], first_names="Lately",
        surname="Registered", reason="Application determined", effective_date=dt.date(2027, 5, 1),
    )  # fmt: skip
    page = ui.page

    with time_machine.travel(at(2027, 3, 30, 10), tick=True):
        sign_in(ui, "officer")
        service_link(ui, "Elections").click()
        page.wait_for_load_state()
        click(ui, "link", "Create an election")
        page.get_by_label("Type of election", exact=True).select_option("local")
        page.get_by_label("Nation", exact=True).select_option("ENG")
        page.get_by_label("Polling day", exact=True).fill(POLL_DAY)
        page.get_by_label("Name (optional)", exact=True).fill("Testshire local elections 2027")
        page.get_by_label(f"{ward.name} (Ward)", exact=True).check()
        click(ui, "button", "Create the election")
        assert re.fullmatch(r"/elections/\d+/", ui.path()), ui.path()
        election_path = ui.path()
        expect(page.locator("#timetable")).to_contain_text("Registration deadline")
        expect(page.locator("#timetable")).to_contain_text("Close of nominations")
        ui.check("election-timetable")

        click(ui, "link", "Publish the notice of election")
        page.get_by_label("I have checked and want to go ahead", exact=True).check()
        click(ui, "button", "Publish the notice of election")
        page.locator("#ballots").get_by_role("link", name=ward.name).click()
        page.wait_for_load_state()
        ballot_path = ui.path()
        numbers = [e.elector_number_display for e in adults]
        nominate(ui, "Ahmed", numbers[0], numbers[1])
        ui.goto(ballot_path)
        nominate(ui, "Baker", numbers[2], nobody)
        baker_path = ui.path()
        expect(page.locator("main")).to_contain_text(nobody)
        ui.check("nomination-with-problem")
        ui.goto(ballot_path)
        nominate(ui, "Clarke", numbers[3], numbers[0])
        ui.goto(ballot_path)
        ui.check("ballot-nominations")

        # The Returning Officer decides each paper: Baker's seconder is not in the register.
        sign_in(ui, "ro")
        ui.goto(ballot_path)
        candidates = {
            name: page.locator("main").get_by_role("link", name=re.compile(name, re.I)).first.get_attribute("href")
            for name in ("Ahmed", "Baker", "Clarke")
        }
        assert candidates["Baker"] == baker_path, candidates
        for name, path in candidates.items():
            ui.goto(str(path))
            click(ui, "link", "Decide validity")
            if name == "Baker":
                page.get_by_label("Invalid", exact=True).check()
                page.get_by_label("Reason", exact=True).fill("The seconder is not in the register")
            else:
                page.get_by_label("Valid", exact=True).check()
                page.get_by_label("Reason", exact=True).fill("Checked")
            click(ui, "button", "Record the decision")
        ui.goto(baker_path)
        expect(page.locator("main")).to_contain_text("The seconder is not in the register")
        ui.check("candidate-rejected")

    with time_machine.travel(at(2027, 4, 8, 16, 30), tick=True):
        sign_in(ui, "ro")
        ui.goto(ballot_path)
        click(ui, "link", "Close nominations")
        page.get_by_label("I have checked and want to go ahead", exact=True).check()
        click(ui, "button", "Close nominations")
        click(ui, "link", "Publish the statement of persons nominated")
        page.get_by_label("I have checked and want to go ahead", exact=True).check()
        click(ui, "button", "Publish the statement")
        assert ui.path() == ballot_path, ui.path()
        expect(page.locator("main")).to_contain_text("Statement of persons nominated published")
        ui.check("sopn-published")

    with time_machine.travel(at(2027, 4, 20, 9), tick=True):
        sign_in(ui, "officer")
        service_link(ui, "Polling stations").click()
        page.wait_for_load_state()
        assert ui.path() == "/polling/"
        ui.check("polling-home")
        page.locator("#polls").get_by_role("link", name=re.compile("Start")).first.click()
        page.wait_for_load_state()
        page.get_by_label("I have checked and want to go ahead", exact=True).check()
        click(ui, "button", "Start")
        assert re.fullmatch(r"/polling/\d+/", ui.path()), ui.path()
        poll_path = ui.path()
        ui.check("poll")

        # Stations: allot each of the ward's districts to its station.
        click(ui, "link", "Polling stations, allotments and map")
        for i, district in enumerate(districts, start=1):
            click(ui, "link", "Allot a district to a station")
            page.get_by_label("Polling district", exact=True).select_option(label=f"{district.code} – {district.name}")
            page.get_by_label("Polling station", exact=True).select_option(
                label=f"{i} – {district.name} Community Hall"
            )
            click(ui, "button", "Allot")
        expect(page.locator("#stations")).to_contain_text(f"{districts[0].name} Community Hall")
        assert page.locator("#unallocated").count() == 0
        ui.check("stations")

        # The eligibility check: the preview shows the post-deadline addition excluded, with the reason.
        ui.goto(poll_path)
        click(ui, "link", "Run the eligibility check")
        page.get_by_label("I have checked and want to go ahead", exact=True).check()
        click(ui, "button", "Run the eligibility check")
        assert re.fullmatch(r"/polling/runs/\d+/", ui.path()), ui.path()
        run_path = ui.path()
        expect(page.locator("#not-signed-off")).to_contain_text("cannot be produced until the Returning Officer")
        expect(page.locator("#after-deadline")).to_contain_text("added to the register after the registration deadline")
        expect(page.locator("#excluded-list")).to_contain_text(late.elector_number_display)
        expect(page.locator("#excluded-list")).to_contain_text(
            "Added after the registration deadline (19 April 2027) without a legal exception"
        )
        ui.check("eligibility-preview")
        # Before sign-off, poll cards are refused with the reason.
        ui.goto(poll_path.rstrip("/") + "/poll-cards/")
        expect(page.locator("#blocked")).to_contain_text("has not been signed off")
        ui.check("poll-cards-refused")

        sign_in(ui, "ro")
        ui.goto(run_path)
        click(ui, "link", "Review and sign off run 1")
        ui.check("sign-off")
        page.get_by_label(
            "I have reviewed the electors excluded because they were added after the registration deadline",
            exact=True,
        ).check()
        page.get_by_label(re.compile("I sign off this eligibility list")).check()
        page.get_by_label("Note for the audit trail (optional)", exact=True).fill("Checked against the final notice")
        click(ui, "button", "Sign off the eligibility list")
        assert ui.path() == run_path, ui.path()
        expect(page.locator("#signed-off")).to_contain_text("Checked against the final notice")
        ui.check("eligibility-signed-off")

        # Ballot paper numbers, then the poll cards: the CSV and a PDF downloaded.
        sign_in(ui, "officer")
        ui.goto(poll_path.rstrip("/") + "/ballot-papers/")
        page.get_by_label("I have checked and want to go ahead", exact=True).check()
        click(ui, "button", "Allocate ballot paper numbers")
        expect(page.locator("#ranges")).to_contain_text("Postal issue")
        ui.check("ballot-papers")
        ui.goto(poll_path)
        click(ui, "link", "Poll cards")
        expect(page.locator("#from-run")).to_contain_text("From eligibility run 1")
        page.get_by_label("I have checked and want to go ahead", exact=True).check()
        click(ui, "button", "Produce the poll cards")
        assert re.fullmatch(r"/jobs/\d+/", ui.path()), ui.path()
        ui.check("poll-cards-job")
        with page.expect_download() as got:
            page.get_by_role("link", name=re.compile(r"^poll-cards-2027-05-06\.csv$")).click()
        cards_csv = tmp_path / "cards.csv"
        got.value.save_as(cards_csv)
        rows = list(csv.DictReader(cards_csv.open(encoding="utf-8")))
        assert rows and {r["ballots"] for r in rows} == {ward.name}
        assert late.elector_number_display not in {r["elector_number"] for r in rows}
        assert all(r["station_name"].endswith("Community Hall") for r in rows if r["card_type"] == "elector")
        with page.expect_download() as got:
            page.get_by_role("link", name=re.compile(rf"^poll-cards-2027-05-06-{districts[0].code}\.pdf$")).click()
        cards_pdf = tmp_path / "cards.pdf"
        got.value.save_as(cards_pdf)
        assert cards_pdf.read_bytes().startswith(b"%PDF")

        # The notice of poll (with the situation of the polling stations) is generated.
        ui.goto(ballot_path)
        with page.expect_download() as got:
            page.locator("#notices li", has_text="Notice of poll").get_by_role("link", name="PDF").click()
        notice = tmp_path / "notice.pdf"
        got.value.save_as(notice)
        assert notice.read_bytes().startswith(b"%PDF")
        ui.goto(election_path)
        ui.check("election-after")
        # The working-day calendar, and the timetable recalculation (nothing to move).
        click(ui, "link", "Recalculate the timetable with the working-day calendar")
        expect(page.locator("#no-changes")).to_contain_text("already agrees")
        ui.check("timetable-recalculate")
        ui.goto("/elections/calendar/")
        expect(page.locator("#built-in-days")).to_contain_text("Diamond Jubilee")
        click(ui, "link", "Add a day")
        click(ui, "button", "Add the day")
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter day")
        ui.check("calendar-add-errors")

    ui.assert_clean()
