"""Tenancy isolation: a user of authority A cannot reach any record of authority B by any URL."""

import pytest

from ems.accounts.roles import Role
from ems.audit.models import AuditEvent
from ems.audit.selectors import audit_events_for_user
from ems.jobs.selectors import jobs_for_user
from support.urls import World


@pytest.fixture
def worlds(authority_a, authority_b):
    return World(authority_a, "ALPHAMARK"), World(authority_b, "BETAMARK")


@pytest.mark.django_db
def test_user_of_a_gets_404_for_every_url_pointing_at_b(worlds, make_user, client_for):
    world_a, world_b = worlds
    manager_a = make_user(Role.MANAGER, world_a.authority)  # the broadest role
    client = client_for(manager_a)
    for route, url in world_b.urls():
        if not route.params:
            continue
        response = client.get(url)
        if response.status_code == 405:  # a POST-only action: it must refuse B's record too
            response = client.post(url)
        assert response.status_code == 404, (
            f"{url} ({route.name}) answered {response.status_code} for another authority"
        )
        assert b"BETAMARK" not in response.content


@pytest.mark.django_db
def test_no_page_of_a_shows_b_data(worlds, make_user, client_for):
    world_a, world_b = worlds
    client = client_for(make_user(Role.MANAGER, world_a.authority))
    seen_own = False
    for _route, url in world_a.urls():
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"BETAMARK" not in body, f"{url} leaked authority B data"
        assert world_b.authority.name.encode() not in body, f"{url} named authority B"
        seen_own = seen_own or b"ALPHAMARK" in body
    assert seen_own, "the pages never showed A's own marker, so this test could not detect a leak"


@pytest.mark.django_db
def test_selectors_are_scoped_to_the_acting_users_authority(worlds, make_user):
    world_a, world_b = worlds
    user_a = make_user(Role.MANAGER, world_a.authority)
    assert list(jobs_for_user(user_a)) == [world_a.job]
    events = audit_events_for_user(user_a)
    assert events.exists()
    assert not events.exclude(authority=world_a.authority).exists()
    assert AuditEvent.objects.filter(authority=world_b.authority).exists()
