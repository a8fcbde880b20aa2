"""End-to-end journeys in a real Chromium: sign-in with two-factor, enrolment, errors,
permissions, live job progress and Welsh.

Every page a journey visits is screenshotted and checked with axe-core (WCAG 2.2 A/AA) by
``ui.check(name)``; ``ui.assert_clean()`` at the end of each journey fails on any
accessibility violation or Content Security Policy error in the console. Screenshots and
axe JSON land in test-artifacts/browser/.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import UI, totp_from_secret, totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def h1(ui: UI) -> str:
    return str(ui.page.locator("h1").inner_text()).strip()


def column(ui: UI, index: int) -> list[str]:
    """The text of one column (1-based) of the page's table body."""
    return [t.strip() for t in ui.page.locator(f"table.govuk-table tbody tr td:nth-child({index})").all_inner_texts()]


def service_link(ui: UI, name: str) -> Any:
    return ui.page.get_by_role("navigation", name="Service areas").get_by_role("link", name=name, exact=True)


def a_wrong_code(device: Any) -> str:
    """A 6-digit code that is not valid in any window the server might accept."""
    from django_otp.oath import TOTP

    valid = set()
    for offset in range(-3, 4):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time() + offset * device.step
        valid.add(f"{totp.token():06d}")
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


# --- 1. ERO: sign in with two-factor, then the audit trail --------------------------------------


def test_ero_signs_in_with_two_factor_and_reads_the_audit_trail(ui: UI, ero: Any, authority: Any) -> None:
    page = ui.page

    ui.goto("/")
    assert ui.path().startswith("/account/sign-in/"), ui.path()
    assert h1(ui) == "Sign in"
    ui.check("sign-in")

    ui.sign_in(ero.username)
    assert ui.path().startswith("/account/two-factor/"), ui.path()
    assert h1(ui) == "Enter your security code"
    ui.check("two-factor")

    ui.enter_code(totp_now(ero.device))
    assert ui.path() == "/dashboard/", ui.path()
    assert h1(ui) == authority.name
    ui.check("dashboard")

    service_link(ui, "Audit").click()
    page.wait_for_load_state()
    assert ui.path() == "/audit/"
    assert h1(ui) == "Audit trail"
    expect(service_link(ui, "Audit")).to_have_attribute("aria-current", re.compile(r"^(page|true)$"))
    actions = column(ui, 3)
    assert "user.sign_in" in actions, actions
    assert "user.sign_in.two_factor" in actions, actions
    assert "system" in column(ui, 2), "unfiltered trail should include the set-up done by 'system'"
    ui.check("audit")

    page.get_by_label("User", exact=True).fill(ero.username)
    page.get_by_role("button", name="Filter", exact=True).click()
    page.wait_for_load_state()
    assert f"user={ero.username}" in ui.path(), ui.path()
    expect(page.get_by_label("User", exact=True)).to_have_value(ero.username)
    who = column(ui, 2)
    assert who and set(who) == {ero.username}, who
    assert {"user.sign_in", "user.sign_in.two_factor"} <= set(column(ui, 3))
    ui.check("audit-filtered")

    # A bad filter value shows the GOV.UK error summary on the audit page too.
    page.get_by_label("Day", exact=True).fill("not a day")
    page.get_by_role("button", name="Filter", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    ui.check("audit-filter-error")

    ui.assert_clean()


# --- 2. Manager with no authenticator app enrols -----------------------------------------------


def test_manager_enrols_an_authenticator_app(ui: UI, make_browser_user: Callable[..., Any], authority: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page = ui.page
    manager = make_browser_user("manager.evans", "manager")

    ui.sign_in(manager.username)
    assert ui.path().startswith("/account/two-factor/"), ui.path()
    assert h1(ui) == "Set up two-factor authentication"
    qr = page.locator(".ems-totp-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box and box["width"] >= 150 and box["height"] >= 150, f"QR code too small to scan: {box}"
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    ui.check("two-factor-enrolment")

    ui.enter_code(totp_from_secret(secret))
    assert ui.path() == "/dashboard/", ui.path()
    assert h1(ui) == authority.name
    ui.shot("dashboard")
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).count() == 1

    ui.assert_clean()


# --- 3. Errors: GOV.UK error summary -----------------------------------------------------------


def test_wrong_password_shows_the_error_summary(ui: UI, officer: Any) -> None:
    page = ui.page
    ui.sign_in(officer.username, password="not the password at all")

    assert ui.path().startswith("/account/sign-in/")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter a correct username and password")).to_be_visible()
    assert page.title().startswith("Error:"), page.title()
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    expect(summary).to_be_focused()
    # The username survives; the password does not.
    expect(page.get_by_label("Username", exact=True)).to_have_value(officer.username)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    ui.check("sign-in-error")

    ui.assert_clean()


def test_wrong_code_shows_the_error_summary_linked_to_the_field(ui: UI, ero: Any) -> None:
    page = ui.page
    ui.sign_in(ero.username)
    ui.enter_code(a_wrong_code(ero.device))

    assert ui.path().startswith("/account/two-factor/")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Error:"), page.title()

    link = summary.get_by_role("link", name="The code is not correct or has expired")
    expect(link).to_have_attribute("href", "#id_token")
    field = page.get_by_label("Security code", exact=True)
    expect(field).to_have_class(re.compile(r"\bgovuk-input--error\b"))
    described_by = (field.get_attribute("aria-describedby") or "").split()
    messages = [page.locator(f"#{i}").inner_text() for i in described_by]
    assert any("The code is not correct" in m for m in messages), (described_by, messages)
    ui.check("two-factor-error")

    link.click()
    expect(field).to_be_focused()
    ui.shot("two-factor-error-link-followed")

    # django-otp throttles a device for 1s after a failure; then the right code works.
    page.wait_for_timeout(1_100)
    ui.enter_code(totp_now(ero.device))
    assert ui.path() == "/dashboard/", ui.path()

    ui.assert_clean()


# --- 4. Officer: no two-factor, no audit; area placeholder and not-found pages ------------------


def test_officer_goes_straight_to_the_dashboard_and_cannot_see_audit(ui: UI, officer: Any, authority: Any) -> None:
    ui.sign_in(officer.username)
    assert ui.path() == "/dashboard/", ui.path()
    assert h1(ui) == authority.name
    expect(service_link(ui, "Jobs")).to_be_visible()
    expect(service_link(ui, "Audit")).to_have_count(0)
    ui.shot("dashboard")

    response = ui.goto("/audit/")
    assert response is not None and response.status == 403, response and response.status
    assert h1(ui).startswith("You do not have access"), h1(ui)
    ui.check("forbidden")

    service_link(ui, "Applications").click()
    ui.page.wait_for_load_state()
    assert ui.path() == "/area/applications/"
    assert h1(ui) == "Applications"
    expect(ui.page.get_by_text("This area is not available yet.")).to_be_visible()
    ui.check("area-not-available")

    response = ui.goto("/area/no-such-area/")
    assert response is not None and response.status == 404
    assert h1(ui) == "Page not found"
    ui.check("not-found")

    ui.assert_clean()


# --- 5. Jobs: live progress over htmx -----------------------------------------------------------


def test_job_progress_updates_live(ui: UI, officer: Any, authority: Any) -> None:
    from ems.jobs.models import JobRun, JobState

    page = ui.page
    job = JobRun.objects.create(
        authority=authority, kind="register.export", state=JobState.RUNNING, done=40, total=100, created_by=officer
    )
    ui.sign_in(officer.username)
    service_link(ui, "Jobs").click()
    page.wait_for_load_state()
    assert ui.path() == "/jobs/"

    bar = page.locator(f"#job-{job.pk}-bar")
    expect(bar).to_have_attribute("value", "40")
    assert bar.evaluate("el => [el.tagName, el.value, el.max]") == ["PROGRESS", 40, 100]
    wrapper = page.locator(f"#job-{job.pk}-progress")
    expect(wrapper).to_contain_text("40 of 100 (40%)")
    assert page.evaluate("() => typeof window.htmx") == "object", "htmx did not load, so progress cannot update"
    ui.shot("jobs-running")

    JobRun.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED, done=100)
    # The fragment polls every 2s; allow a little over two rounds.
    expect(bar).to_have_attribute("value", "100", timeout=6_000)
    expect(wrapper).to_contain_text("Finished")
    expect(wrapper).not_to_have_attribute("hx-get", re.compile(".*"))  # polling stops once the job has ended
    ui.check("jobs")

    page.get_by_role("link", name=f"#{job.pk}", exact=True).click()
    page.wait_for_load_state()
    assert ui.path() == f"/jobs/{job.pk}/"
    assert h1(ui) == f"Job #{job.pk}"
    expect(page.locator(f"#job-{job.pk}-bar")).to_have_attribute("value", "100")
    ui.check("job-detail")

    ui.assert_clean()


# --- 7. Welsh -----------------------------------------------------------------------------------


def test_cymraeg_switches_the_page_language(ui: UI) -> None:
    page = ui.page
    ui.goto("/account/sign-in/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Cymraeg").click()
    page.wait_for_load_state()
    assert ui.path().startswith("/account/sign-in/"), ui.path()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    ui.check("sign-in-welsh")

    ui.assert_clean()
