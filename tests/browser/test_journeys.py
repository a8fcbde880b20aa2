"""End-to-end journeys in a real Chromium: sign-in with two-factor, enrolment, errors,
permissions, live job progress, Welsh, accessibility (axe-core) and CSP.

Screenshots and axe results land in test-artifacts/browser/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import UI, totp_from_secret, totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def h1(ui: UI) -> str:
    return ui.page.locator("h1").inner_text().strip()


def column(ui: UI, index: int) -> list[str]:
    """The text of one column (1-based) of the page's table body."""
    return [t.strip() for t in ui.page.locator(f"table.govuk-table tbody tr td:nth-child({index})").all_inner_texts()]


def service_link(ui: UI, name: str) -> Any:
    return ui.page.get_by_role("navigation", name="Service areas").get_by_role("link", name=name, exact=True)


def sign_in_with_two_factor(ui: UI, user: Any) -> None:
    ui.sign_in(user.username)
    assert ui.path().startswith("/account/two-factor/"), ui.path()
    ui.enter_code(totp_now(user.device))
    assert ui.path() == "/dashboard/", ui.path()


def a_wrong_code(device: Any) -> str:
    """A 6-digit code that is not valid in any window the server accepts."""
    import time

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
    ui.shot("1-sign-in")

    ui.sign_in(ero.username)
    assert ui.path().startswith("/account/two-factor/"), ui.path()
    assert h1(ui) == "Enter your security code"
    ui.shot("2-two-factor")

    ui.enter_code(totp_now(ero.device))
    assert ui.path() == "/dashboard/"
    assert h1(ui) == authority.name
    ui.shot("3-dashboard")

    service_link(ui, "Audit").click()
    page.wait_for_load_state()
    assert ui.path() == "/audit/"
    assert h1(ui) == "Audit trail"
    expect(service_link(ui, "Audit")).to_have_attribute("aria-current", re.compile(r"^(page|true)$"))
    actions = column(ui, 3)
    assert "user.sign_in" in actions, actions
    assert "user.sign_in.two_factor" in actions, actions
    assert "system" in column(ui, 2), "unfiltered trail should include the set-up done by 'system'"
    ui.shot("4-audit")

    page.get_by_label("User", exact=True).fill(ero.username)
    page.get_by_role("button", name="Filter", exact=True).click()
    page.wait_for_load_state()
    assert "user=ero.jones" in ui.path()
    expect(page.get_by_label("User", exact=True)).to_have_value(ero.username)
    who = column(ui, 2)
    assert who and set(who) == {ero.username}, who
    assert {"user.sign_in", "user.sign_in.two_factor"} <= set(column(ui, 3))
    ui.shot("5-audit-filtered")

    ui.assert_no_csp_errors()


# --- 2. Manager with no authenticator app enrols -----------------------------------------------


def test_manager_enrols_an_authenticator_app(ui: UI, make_user: Callable[..., Any], authority: Any) -> None:
    page = ui.page
    manager = make_user("manager.evans", "manager")

    ui.sign_in(manager.username)
    assert ui.path().startswith("/account/two-factor/"), ui.path()
    assert h1(ui) == "Set up two-factor authentication"
    qr = page.locator(".ems-totp-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box and box["width"] >= 150 and box["height"] >= 150, f"QR code too small to scan: {box}"
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    assert len(secret) >= 16, secret
    ui.shot("1-enrolment")

    ui.enter_code(totp_from_secret(secret))
    assert ui.path() == "/dashboard/", ui.path()
    assert h1(ui) == authority.name
    ui.shot("2-dashboard")

    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert TOTPDevice.objects.filter(user=manager, confirmed=True).count() == 1
    ui.assert_no_csp_errors()


# --- 3. Errors: GOV.UK error summary -----------------------------------------------------------


def test_wrong_password_shows_the_error_summary(ui: UI, officer: Any) -> None:
    page = ui.page
    ui.goto("/account/sign-in/")
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
    ui.shot("1-sign-in-error")
    ui.assert_no_csp_errors()


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
    described_by = field.get_attribute("aria-describedby") or ""
    messages = [page.locator(f"#{i}").inner_text() for i in described_by.split()]
    assert any("The code is not correct" in m for m in messages), (described_by, messages)
    ui.shot("1-two-factor-error")

    link.click()
    expect(field).to_be_focused()
    ui.shot("2-two-factor-error-link-followed")

    # And the right code still works afterwards.
    ui.enter_code(totp_now(ero.device))
    assert ui.path() == "/dashboard/"
    ui.assert_no_csp_errors()


# --- 4. Officer: no two-factor, and no audit ----------------------------------------------------


def test_officer_goes_straight_to_the_dashboard_and_cannot_see_audit(ui: UI, officer: Any, authority: Any) -> None:
    page = ui.page
    ui.sign_in(officer.username)
    assert ui.path() == "/dashboard/", ui.path()
    assert h1(ui) == authority.name
    expect(service_link(ui, "Jobs")).to_be_visible()
    expect(service_link(ui, "Audit")).to_have_count(0)
    ui.shot("1-dashboard")

    response = ui.goto("/audit/")
    assert response is not None and response.status == 403
    assert h1(ui).startswith("You do not have access"), h1(ui)
    ui.shot("2-forbidden")
    ui.assert_no_csp_errors()


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
    assert bar.evaluate("el => el.tagName") == "PROGRESS"
    assert bar.evaluate("el => el.value") == 40
    expect(page.get_by_text("Running – 40 of 100 (40%)")).to_be_visible()
    assert page.evaluate("() => typeof window.htmx") == "object", "htmx did not load, so progress cannot update"
    ui.shot("1-jobs-running")

    JobRun.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED, done=100)
    # The fragment polls every 2s; allow a little over two rounds.
    expect(bar).to_have_attribute("value", "100", timeout=6_000)
    wrapper = page.locator(f"#job-{job.pk}-progress")
    expect(wrapper).to_contain_text("Finished")
    expect(wrapper).not_to_have_attribute("hx-get", re.compile(".*"))  # polling stops
    ui.shot("2-jobs-finished")

    page.get_by_role("link", name=f"#{job.pk}", exact=True).click()
    page.wait_for_load_state()
    assert ui.path() == f"/jobs/{job.pk}/"
    assert h1(ui) == f"Job #{job.pk}"
    expect(page.locator(f"#job-{job.pk}-bar")).to_have_attribute("value", "100")
    ui.shot("3-job-detail")
    ui.assert_no_csp_errors()


# --- 6. Accessibility: axe-core on every page ---------------------------------------------------


def _sign_in_page(ui: UI, users: dict[str, Any]) -> None:
    ui.goto("/account/sign-in/")


def _sign_in_errors(ui: UI, users: dict[str, Any]) -> None:
    ui.goto("/account/sign-in/")
    ui.sign_in("nobody", password="")


def _two_factor(ui: UI, users: dict[str, Any]) -> None:
    ui.sign_in(users["ero"].username)


def _two_factor_error(ui: UI, users: dict[str, Any]) -> None:
    ui.sign_in(users["ero"].username)
    ui.enter_code("12")


def _enrolment(ui: UI, users: dict[str, Any]) -> None:
    ui.sign_in(users["manager"].username)


def _dashboard(ui: UI, users: dict[str, Any]) -> None:
    sign_in_with_two_factor(ui, users["ero"])


def _audit(ui: UI, users: dict[str, Any]) -> None:
    sign_in_with_two_factor(ui, users["ero"])
    ui.goto("/audit/")


def _audit_filter_error(ui: UI, users: dict[str, Any]) -> None:
    sign_in_with_two_factor(ui, users["ero"])
    ui.goto("/audit/?day=not-a-day")


def _jobs(ui: UI, users: dict[str, Any]) -> None:
    ui.sign_in(users["officer"].username)
    ui.goto("/jobs/")


def _job_detail(ui: UI, users: dict[str, Any]) -> None:
    ui.sign_in(users["officer"].username)
    ui.goto(f"/jobs/{users['job'].pk}/")


def _area(ui: UI, users: dict[str, Any]) -> None:
    ui.sign_in(users["officer"].username)
    ui.goto("/area/register/")


def _forbidden(ui: UI, users: dict[str, Any]) -> None:
    ui.sign_in(users["officer"].username)
    ui.goto("/audit/")


def _not_found(ui: UI, users: dict[str, Any]) -> None:
    ui.sign_in(users["officer"].username)
    ui.goto("/area/no-such-area/")


def _welsh(ui: UI, users: dict[str, Any]) -> None:
    ui.goto("/account/sign-in/")
    ui.page.get_by_role("button", name="Cymraeg").click()
    ui.page.wait_for_load_state()


PAGES: dict[str, Callable[[UI, dict[str, Any]], None]] = {
    "sign-in": _sign_in_page,
    "sign-in-errors": _sign_in_errors,
    "two-factor": _two_factor,
    "two-factor-error": _two_factor_error,
    "two-factor-enrolment": _enrolment,
    "dashboard": _dashboard,
    "audit": _audit,
    "audit-filter-error": _audit_filter_error,
    "jobs": _jobs,
    "job-detail": _job_detail,
    "area-not-available": _area,
    "forbidden": _forbidden,
    "not-found": _not_found,
    "sign-in-welsh": _welsh,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_accessibility_violations(
    name: str, ui: UI, ero: Any, officer: Any, make_user: Callable[..., Any], authority: Any
) -> None:
    from ems.jobs.models import JobRun, JobState

    users = {
        "ero": ero,
        "officer": officer,
        "manager": make_user("manager.evans", "manager"),
        "job": JobRun.objects.create(
            authority=authority, kind="register.export", state=JobState.RUNNING, done=3, total=7, created_by=officer
        ),
    }
    PAGES[name](ui, users)
    ui.shot(name)
    # Pages must look like GOV.UK: the stylesheet loaded and applied.
    assert ui.page.locator("body").evaluate("el => getComputedStyle(el).fontFamily").find("GDS Transport") >= 0
    ui.axe(name)
    ui.assert_no_csp_errors()


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
    ui.shot("1-sign-in-cy")
    ui.assert_no_csp_errors()
