"""Count day in a real Chromium: an officer registers, receives and verifies the ballot boxes
(one does not agree with its ballot paper account); the Returning Officer resolves the variance
and finalises the verification statement; the first count is entered, doubtful papers are
adjudicated, a candidate's agent asks for a recount and the Returning Officer grants it; the
recount is entered, the result declared, the declaration downloaded as Word, and the result
appears on the public results page, which needs no sign-in.

The election is made with the elections services: a local election polled yesterday with three
candidates standing. Each page is screenshotted and checked with axe-core by ``ui.check``;
``ui.assert_clean`` fails on any accessibility violation or Content Security Policy error.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from playwright.sync_api import expect

from .conftest import TOTP_KEY_HEX, UI, totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def h1(ui: UI) -> str:
    return str(ui.page.locator("h1").inner_text()).strip()


def polled_ballot(authority: Any) -> Any:
    """A local election held yesterday in Riverside ward: notice published, three candidates
    nominated and held valid, nominations closed and the statement of persons nominated published."""
    from django.utils import timezone

    from ems.elections import selectors as election_selectors
    from ems.elections import services as elections
    from ems.geography.models import AreaType, ElectoralArea, PollingDistrict, PollingPlace, PollingStation

    poll_date = timezone.localdate() - dt.timedelta(days=1)
    ward = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name="Riverside")
    district = PollingDistrict.objects.create(authority=authority, code="RA", name="Riverside A", ward=ward)
    place = PollingPlace.objects.create(
        authority=authority, code="P1", name="Riverside Hall", address_1="1 Mill Lane", postcode="TS1 1AA"
    )
    PollingStation.objects.create(authority=authority, code="S1", number="1", place=place, district=district)
    PollingStation.objects.create(authority=authority, code="S2", number="2", place=place, district=district)
    group = elections.election_group_create(
        acting_user=None,
        authority=authority,
        election_type="local",
        nation="ENG",
        poll_date=poll_date,
        ballots=[elections.BallotSpec(area=ward)],
        name="Testshire local elections",
    )
    _entry, close = election_selectors.deadline(group, "close_of_nominations")
    assert close is not None
    elections.election_notice_publish(acting_user=None, group=group, published_at=close - dt.timedelta(days=10))
    ballot = group.ballots.get()
    for surname, party in (("Ahmed", "Green Party"), ("Baker", "Labour Party"), ("Clarke", "Conservative Party")):
        candidate = elections.candidate_nominate(
            acting_user=None,
            ballot=ballot,
            surname=surname,
            other_names="Sam",
            home_address=f"1 {surname} Road, Testshire",
            subscribers=[elections.SubscriberEntry("RA-1", "A"), elections.SubscriberEntry("RA-2", "B")],
            received_at=close - dt.timedelta(days=5),
            affiliation="party",
            party_name=party,
            description=party,
            certificate_of_authorisation=True,
        )
        for paper in candidate.papers.all():
            elections.validity_decide(acting_user=None, paper=paper, valid=True, reason="RO satisfied")
    elections.nominations_close(acting_user=None, ballot=ballot)
    elections.sopn_publish(acting_user=None, ballot=ballot)
    ballot.refresh_from_db()
    return ballot


def click(ui: UI, name: str, role: str = "button") -> None:
    ui.page.get_by_role(role, name=name, exact=True).click()
    ui.page.wait_for_load_state()


def test_count_day_from_boxes_to_the_public_result(
    ui: UI, authority: Any, officer: Any, make_browser_user: Any
) -> None:
    from ems.accounts.services import totp_device_create_confirmed

    ballot = polled_ballot(authority)
    ro = make_browser_user("ro.patel", "ro")
    ro.device = totp_device_create_confirmed(acting_user=None, user=ro, key_hex=TOTP_KEY_HEX)
    page = ui.page
    ballot_path = f"/count/ballots/{ballot.pk}/"

    # The officer opens the count from the service navigation.
    ui.sign_in(officer.username)
    page.get_by_role("navigation", name="Service areas").get_by_role("link", name="Count", exact=True).click()
    page.wait_for_load_state()
    assert ui.path() == "/count/" and h1(ui) == "Count"
    ui.check("count-home")
    page.get_by_role("link", name="Riverside", exact=True).click()
    page.wait_for_load_state()
    assert ui.path() == ballot_path
    ui.check("count-ballot-new")

    # Register the boxes: a mistake first (no station chosen), then three boxes.
    click(ui, "Register a ballot box", "link")
    page.get_by_label("Box number or label", exact=True).fill("1")
    page.get_by_label("Ballot papers issued (ballot paper account)", exact=True).fill("620")
    click(ui, "Register the box")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the polling station the box comes from")
    ui.check("box-add-error")
    page.get_by_label("Polling station", exact=True).select_option(label="1 – Riverside Hall (RA)")
    click(ui, "Register and add another")
    page.get_by_label("Box number or label", exact=True).fill("2")
    page.get_by_label("Polling station", exact=True).select_option(label="2 – Riverside Hall (RA)")
    page.get_by_label("Ballot papers issued (ballot paper account)", exact=True).fill("480")
    click(ui, "Register and add another")
    page.get_by_label("Box number or label", exact=True).fill("PV1")
    page.get_by_label("The opening of postal votes", exact=True).check()
    page.get_by_label("Ballot papers issued (ballot paper account)", exact=True).fill("300")
    click(ui, "Register the box")
    assert ui.path() == ballot_path
    expect(page.locator("#boxes tbody tr")).to_have_count(3)

    # Receive and verify each box; box 2 is two papers short of its ballot paper account.
    for label, counted in (("1", "620"), ("2", "478"), ("PV1", "300")):
        page.get_by_role("link", name=f"Box {label}", exact=True).click()
        page.wait_for_load_state()
        page.get_by_label("Delivered by", exact=True).fill("Presiding officer")
        click(ui, "Record the receipt")
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Box {label} is received")
        if label == "2":
            ui.check("box-received")
        page.get_by_label("Ballot papers counted", exact=True).fill(counted)
        click(ui, "Save the verification")
        assert ui.path() == ballot_path
    expect(page.locator(".govuk-notification-banner")).to_contain_text("verified")
    expect(page.locator("#boxes")).to_contain_text("Variance to resolve")
    expect(page.locator("#boxes")).to_contain_text("-2")
    ui.check("boxes-verified")
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_load_state()

    # The Returning Officer signs in with two-factor, resolves the variance and finalises.
    ui.sign_in(ro.username)
    ui.enter_code(totp_now(ro.device))
    ui.goto(ballot_path)
    click(ui, "Resolve the variance of box 2", "link")
    click(ui, "Resolve the variance")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter explanation")
    ui.check("resolve-error")
    page.get_by_label("Explanation", exact=True).fill("Two spoilt papers were recorded as issued on the account")
    page.get_by_label("Decision", exact=True).fill("Accepted after the box was counted twice")
    click(ui, "Resolve the variance")
    click(ui, "Verification statement", "link")
    expect(page.locator("#statement")).to_contain_text("Two spoilt papers")
    ui.check("verification-statement")
    click(ui, "Finalise the verification statement", "link")
    page.get_by_label("I confirm", exact=True).check()
    click(ui, "Finalise the statement")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("the count can begin")

    # The first count.
    click(ui, "Enter the figures of the first count", "link")
    page.get_by_label("Votes for AHMED, Sam", exact=True).fill("610")
    page.get_by_label("Votes for BAKER, Sam", exact=True).fill("605")
    click(ui, "Save the figures")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the votes for CLARKE, Sam")
    ui.check("count-entry-error")
    page.get_by_label("Votes for CLARKE, Sam", exact=True).fill("171")
    click(ui, "Save the figures")
    assert ui.path() == f"{ballot_path}provisional/"
    expect(page.locator("#result")).to_contain_text("AHMED, Sam")
    expect(page.locator("#reconcile")).to_contain_text("does not reconcile")
    ui.check("provisional-first-count")

    # Doubtful papers: 12 rejected under three heads.
    ui.goto(ballot_path)
    click(ui, "Adjudicate doubtful papers", "link")
    for head, papers in (("Want of an official mark", "4"), ("Unmarked or wholly void for uncertainty", "6"),
                         ("Writing or mark by which the voter could be identified", "2")):  # fmt: skip
        page.get_by_label("Rejected", exact=True).check()
        page.get_by_label(head, exact=True).check()
        page.get_by_label("Number of papers", exact=True).fill(papers)
        click(ui, "Record the adjudication")
    expect(page.locator("#rejected")).to_contain_text("Total rejected")
    expect(page.locator("#rejected tr", has_text="Total rejected")).to_contain_text("12")
    ui.check("doubtful-papers")

    # Baker's agent asks for a recount; the Returning Officer grants it; the recount is entered.
    ui.goto(f"{ballot_path}provisional/")
    expect(page.locator("#reconcile")).to_have_count(0)
    click(ui, "Record a request for a recount", "link")
    page.get_by_label("Who asked for the recount", exact=True).fill("Jo Lee, election agent")
    page.get_by_label("On behalf of", exact=True).select_option(label="BAKER, Sam")
    page.get_by_label("Reason given", exact=True).fill("Only five votes between the first two")
    click(ui, "Record the request")
    click(ui, "Decide on the recount", "link")
    ui.check("recount-decide")
    page.get_by_label("Grant the recount", exact=True).check()
    click(ui, "Record the decision")
    assert ui.path() == f"{ballot_path}count/"
    assert "recount 1" in h1(ui)
    for name, votes in (("AHMED", "609"), ("BAKER", "606"), ("CLARKE", "171")):
        page.get_by_label(f"Votes for {name}, Sam", exact=True).fill(votes)
    click(ui, "Save the figures")
    expect(page.locator("#result")).to_contain_text("609")
    ui.goto(ballot_path)
    expect(page.locator("#recounts")).to_contain_text("Granted")
    expect(page.locator("#rounds")).to_contain_text("First count: AHMED 610")
    ui.check("count-ballot-recounted")

    # The electorate, then the declaration.
    click(ui, "Record the electorate", "link")
    page.get_by_label("Enter the figure", exact=True).check()
    page.get_by_label("Electorate figure", exact=True).fill("3200")
    click(ui, "Save the electorate")
    click(ui, "Declare the result", "link")
    ui.check("declare")
    page.get_by_label(re.compile("The provisional result was shown"), exact=False).check()
    click(ui, "Declare the result")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The result is declared")
    assert h1(ui) == "Declared result"
    expect(page.locator("#figures")).to_contain_text("43.69%")  # 1,398 ballot papers / 3,200
    expect(page.locator("#figures")).to_contain_text("43.31%")  # 1,386 valid papers / 3,200
    ui.check("declared")

    # The declaration of result as Word.
    with page.expect_download() as download:
        page.locator("#declaration-files").get_by_role("link", name="Word", exact=True).click()
    path = Path(download.value.path())
    document = Document(io.BytesIO(path.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs) + " ".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "DECLARATION OF RESULT" in text and "AHMED, Sam" in text and "609" in text
    assert "Want of an official mark" in text and "DRAFT" not in text

    # The public result page, signed out.
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_load_state()
    ui.goto("/results/")
    assert h1(ui) == "Election results"
    click(ui, "Testshire local elections", "link")
    ui.check("public-election")
    click(ui, "Riverside", "link")
    assert ui.path() == f"/results/ballots/{ballot.pk}/"
    expect(page.locator("#result tr", has_text="AHMED, Sam")).to_contain_text("Elected")
    expect(page.locator("#result tr", has_text="BAKER, Sam")).to_contain_text("606")
    expect(page.locator("#rejected")).to_contain_text("12")
    expect(page.locator("#turnout")).to_contain_text("43.69%")
    ui.check("public-result")

    ui.assert_clean()
