"""Fixtures for the count tests (helpers in counting_helpers.py)."""

from __future__ import annotations

import pytest
from counting_helpers import contested

from ems.accounts.roles import Role


@pytest.fixture
def contest(authority_a):
    return contested(authority_a)


@pytest.fixture
def ro(authority_a, make_user):
    return make_user(Role.RETURNING_OFFICER, authority_a)


@pytest.fixture
def staff(authority_a, make_user):
    return make_user(Role.POLL_STAFF, authority_a)
