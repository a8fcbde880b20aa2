"""The register in a real Chromium: an officer finds an elector by a name fragment, amends the
surname with a reason, and the change shows on the elector page, in the audit trail (read by an
auditor: officers do not see the audit area) and on the notice of alteration.

Each page is screenshotted and checked with axe-core by ``ui.check``; ``ui.assert_clean``
fails on any accessibility violation or Content Security Policy error.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import UI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GSS = "E07000321"
DEMO_PASSWORD = "ems-demo-password"  # the documented demo login


def h1(ui: UI) -> str:
    return str(ui.page.locator("h1").inner_text()).strip()


def service_link(ui: UI, name: str) -> Any:
    return ui.page.get_by_role("navigation", name="Service areas").get_by_role("link", name=name, exact=True)


def test_officer_finds_amends_and_the_change_is_audited_and_on_the_notice(ui: UI) -> None:
    from ems.register.models import Elector

    call_command("demo-data", "--electors", "300", "--seed", "1", "--authority", GSS, stdout=None)
    target = (
        Elector.records.filter(authority__gss_code=GSS, property__isnull=False, is_anonymous=False)
        .select_related("polling_district")
        .order_by("pk")[7]
    )
    first = target.first_names.split()[0]
    old_surname, new_surname = target.surname, target.surname + "-Evans"
    page = ui.page

    # Sign in as the officer (no two-factor for this role) and open the register.
    ui.sign_in(f"officer@{GSS}", DEMO_PASSWORD)
    assert ui.path() == "/dashboard/", ui.path()
    service_link(ui, "Register").click()
    page.wait_for_load_state()
    assert ui.path() == "/register/"
    assert h1(ui) == "Register"
    expect(page.locator("#register-figures")).to_contain_text("Electors")
    expect(page.locator("svg.ems-chart__svg").first).to_be_visible()
    ui.check("register-home")

    # Search for a first name and a surname fragment: "john smi".
    fragment = f"{first.lower()} {old_surname[:3].lower()}"
    page.get_by_label("Search the register", exact=True).fill(fragment)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    assert ui.path().startswith("/register/search/?q="), ui.path()
    expect(page.locator("#searched-as")).to_contain_text("a name or address")
    ui.check("register-search")

    page.get_by_role("link", name=target.elector_number_display, exact=True).click()
    page.wait_for_load_state()
    assert ui.path() == f"/register/electors/{target.pk}/"
    assert old_surname in h1(ui)
    ui.check("elector")

    # Amend: first without a reason (the error summary), then with one.
    page.get_by_role("link", name="Amend this entry", exact=True).click()
    page.wait_for_load_state()
    assert ui.path() == f"/register/electors/{target.pk}/amend/"
    page.get_by_label("Surname", exact=True).fill(new_surname)
    page.get_by_role("button", name="Save the amendment", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a reason for the change")
    ui.check("elector-amend-error")

    reason = "Marriage certificate seen"
    page.get_by_label("Reason for the change", exact=True).fill(reason)
    page.get_by_role("button", name="Save the amendment", exact=True).click()
    page.wait_for_load_state()
    assert ui.path() == f"/register/electors/{target.pk}/", ui.path()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The entry was amended")
    assert new_surname in h1(ui)
    expect(page.locator("#alterations")).to_contain_text(f"{old_surname} → {new_surname}")
    expect(page.locator("#alterations")).to_contain_text(reason)
    expect(page.locator("#audit-history")).to_contain_text("register.elector.amend")
    ui.check("elector-amended")

    # The notice of alteration lists the amendment.
    page.locator("#alterations").get_by_role("link").first.click()
    page.wait_for_load_state()
    assert re.fullmatch(r"/register/notices/\d+/", ui.path()), ui.path()
    expect(page.locator("table.govuk-table")).to_contain_text(f"Surname: {old_surname} → {new_surname}")
    expect(page.locator("table.govuk-table")).to_contain_text(reason)
    notice_path = ui.path()
    ui.check("notice")

    # The audit trail (an auditor's page) shows the change with its reason.
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_load_state()
    ui.sign_in(f"auditor@{GSS}", DEMO_PASSWORD)
    assert ui.path() == "/dashboard/", ui.path()
    ui.goto(f"/register/electors/{target.pk}/")
    page.get_by_role("link", name="Open this elector in the audit trail", exact=True).click()
    page.wait_for_load_state()
    assert ui.path() == f"/audit/?object_type=register.elector&object_id={target.pk}", ui.path()
    row = page.locator("table.govuk-table tbody tr", has_text="register.elector.amend")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(reason)
    expect(row).to_contain_text(f"{old_surname} → {new_surname}")
    ui.check("audit-elector")

    ui.goto(notice_path)
    expect(page.locator("table.govuk-table")).to_contain_text(new_surname)
    ui.check("notice-as-auditor")

    ui.assert_clean()
