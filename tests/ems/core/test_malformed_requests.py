"""Malformed requests at every URL get a 4xx (or a normal page), never a 500."""

import pytest
from django.test import Client

from ems.accounts.roles import Role
from support.urls import World

JUNK_QUERIES = [
    "page=abc",
    "page=-1",
    "page=99999999999999999999",
    "sort=%00",
    "sort=-",
    "sort=password",
    "day=2026-02-31",
    "day=" + "9" * 500,
    "user=%ff%fe",
    "object_id=" + "x" * 5000,
    "next=javascript:alert(1)",
    "a=1&a=2&a=3",
    "%zz=%zz",
]
JUNK_BODIES = [
    {"username": "x" * 10000, "password": "y"},
    {"token": "\x00\x01"},
    {"language": "xx-not-a-language", "next": "//evil.example"},
    {"csrfmiddlewaretoken": "nonsense"},
]


def _clients(authority, make_user, client_for):
    yield "anonymous", Client(raise_request_exception=False)
    for role in (Role.MANAGER, Role.CANVASSER):
        client = client_for(make_user(role, authority))
        client.raise_request_exception = False
        yield role, client


def _path_variants(route, world):
    if not route.params:
        return [route.fill({})]
    good = {p: world.value_for(route, p)[0] for p in route.params}
    variants = [route.fill(good)]
    for param in route.params:
        for bad in ("0", "99999999999999999999", "2147483648"):
            variants.append(route.fill({**good, param: bad}))
    return variants


@pytest.mark.django_db
def test_no_url_answers_500_to_malformed_input(authority_a, make_user, client_for):
    world = World(authority_a, "MARK")
    failures = []
    checked = 0
    for who, client in _clients(authority_a, make_user, client_for):
        for route, _url in world.urls():
            for path in _path_variants(route, world):
                for query in JUNK_QUERIES:
                    response = client.get(f"{path}?{query}")
                    checked += 1
                    if response.status_code >= 500:
                        failures.append(f"{who} GET {path}?{query} -> {response.status_code}")
                for body in JUNK_BODIES:
                    response = client.post(path, body)
                    checked += 1
                    if response.status_code >= 500:
                        failures.append(f"{who} POST {path} {list(body)} -> {response.status_code}")
                response = client.generic(
                    "PUT", path, b"\xff\xfe not form data", content_type="application/octet-stream"
                )
                if response.status_code >= 500:
                    failures.append(f"{who} PUT {path} -> {response.status_code}")
    assert checked > 100
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_csrf_failure_is_a_403_page_not_a_crash(authority_a, make_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/sign-in/", {"username": "a", "password": "b"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_unknown_urls_get_the_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
