"""Core pages: dashboard, area placeholders, health, error pages, Welsh scaffold, security headers."""

import pytest
from django.test import Client

from ems.accounts.roles import Role
from ems.core.navigation import AREAS


@pytest.mark.django_db
def test_dashboard_names_the_authority_and_lists_the_areas(authority_a, make_user, client_for):
    page = client_for(make_user(Role.MANAGER, authority_a)).get("/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h1 class="govuk-heading-xl">Alpha District Council</h1>' in html
    for area in AREAS:
        assert area.label in html
    assert "not available yet" in html
    assert "Changes today" in html and "Running or queued" in html  # audit and jobs panels


@pytest.mark.django_db
def test_navigation_only_offers_areas_the_role_may_open(authority_a, make_user, client_for):
    html = client_for(make_user(Role.CANVASSER, authority_a)).get("/dashboard/").content.decode()
    assert ">Canvass<" in html
    assert ">Audit<" not in html and ">Jobs<" not in html


@pytest.mark.django_db
def test_unbuilt_area_says_not_available_yet(authority_a, make_user, client_for):
    page = client_for(make_user(Role.ERO, authority_a)).get("/area/staff/")
    assert page.status_code == 200
    assert b"This area is not available yet." in page.content


@pytest.mark.django_db
def test_health_reports_the_database(client):
    assert client.get("/health").json()["status"] == "ok"


@pytest.mark.django_db
def test_welsh_scaffold_translates_the_sign_in_page():
    client = Client(headers={"accept-language": "cy"})
    client.cookies["django_language"] = "cy"
    html = client.get("/account/sign-in/").content.decode()
    assert '<html lang="cy"' in html
    assert "Mewngofnodi" in html and "Enw defnyddiwr" in html


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_with_a_nonce(client):
    response = client.get("/account/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"'.encode() in response.content
    assert response["X-Frame-Options"] == "DENY"
    assert "X-Request-ID" in response
