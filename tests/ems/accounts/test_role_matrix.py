"""The role matrix: every URL pattern, every role, checked against accounts/roles.py."""

import pytest
from django.test import Client

from ems.accounts.roles import ROLE_PERMISSIONS, Role
from support.urls import World, admin_routes, project_routes

# Views that only accept POST answer GET with 405; their permission is still enforced on POST.
POST_ONLY = {"accounts:sign-out", "register:supply-deliver"}


def _guard(callback):
    for attribute in ("ems_permission", "ems_public", "ems_signed_in"):
        if hasattr(callback, attribute):
            return attribute, getattr(callback, attribute)
    return None, None


def test_every_route_declares_its_access_rule():
    undeclared = [r.route for r in project_routes() if _guard(r.callback)[0] is None]
    assert not undeclared, f"These views state no permission: {undeclared}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role.values))
def test_each_role_gets_exactly_what_the_table_grants(role, authority_a, make_user, client_for):
    world = World(authority_a, "MARK")
    client = client_for(make_user(role, authority_a))
    granted = ROLE_PERMISSIONS[role]
    checked = 0
    for route, url in world.urls():
        kind, permission = _guard(route.callback)
        response = client.get(url)
        if route.name in POST_ONLY:
            allowed = kind != "ems_permission" or permission in granted
            assert response.status_code == (405 if allowed else 403), url
            continue
        if kind == "ems_permission":
            if permission in granted:
                assert response.status_code in (200, 302), f"{role} should reach {url}: {response.status_code}"
                if response.status_code == 302:
                    assert "/account/" not in response["Location"], f"{role} bounced to sign-in from {url}"
            else:
                assert response.status_code == 403, f"{role} must not reach {url}: {response.status_code}"
            checked += 1
    assert checked >= 5


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in_from_every_protected_url(authority_a):
    world = World(authority_a, "MARK")
    client = Client()
    for route, url in world.urls():
        kind, _ = _guard(route.callback)
        if kind == "ems_public":
            continue
        response = client.get(url)
        if route.name in POST_ONLY:
            assert response.status_code in (302, 405), url
            continue
        assert response.status_code == 302, f"{url}: {response.status_code}"
        assert response["Location"].startswith("/account/sign-in/"), url


@pytest.mark.django_db
def test_root_redirects_anonymous_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role.values))
def test_no_staff_role_reaches_the_django_admin(role, authority_a, make_user, client_for):
    client = client_for(make_user(role, authority_a))
    for route in admin_routes():
        if route.params or route.route.endswith(("logout/", "login/")):
            continue
        response = client.get("/" + route.route)
        assert response.status_code in (302, 404), f"{role} reached admin {route.route}"
        if response.status_code == 302:
            assert "login" in response["Location"]


def test_two_factor_roles_are_the_senior_ones():
    from ems.accounts.roles import TWO_FACTOR_ROLES

    assert {Role.ERO, Role.DEPUTY_ERO, Role.RETURNING_OFFICER, Role.MANAGER, Role.ADMINISTRATOR} == TWO_FACTOR_ROLES
