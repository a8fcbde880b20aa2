"""Shared fixtures: two authorities, users of every role, signed-in (and 2FA-verified) clients."""

from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from ems.accounts import services as account_services
from ems.accounts.models import User
from ems.accounts.roles import Role
from ems.core import services as core_services
from ems.core.models import Authority

PASSWORD = "correct horse battery staple"
TOTP_KEY_HEX = "3132333435363738393031323334353637383930"  # RFC 6238 test key "12345678901234567890"


@pytest.fixture(autouse=True)
def _axes_off_unless_asked(settings, request):
    # Lockout is tested on purpose; elsewhere, repeated bad logins must not lock test users out.
    settings.AXES_ENABLED = "axes" in request.keywords


@pytest.fixture
def authority_a(db) -> Authority:
    return core_services.authority_create(
        acting_user=None, name="Alpha District Council", gss_code="E07000001", nation="ENG", authority_type="NMD"
    )


@pytest.fixture
def authority_b(db) -> Authority:
    return core_services.authority_create(
        acting_user=None, name="Beta Borough Council", gss_code="E07000002", nation="ENG", authority_type="NMD"
    )


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(role: str, authority: Authority, username: str | None = None, with_device: bool = True) -> User:
        user = account_services.user_create(
            acting_user=None,
            authority=authority,
            username=username or f"{role}-{authority.gss_code}",
            password=PASSWORD,
            role=role,
        )
        if with_device:
            account_services.totp_device_create_confirmed(acting_user=None, user=user, key_hex=TOTP_KEY_HEX)
        return user

    return make


def signed_in_client(user: User, verified: bool = True) -> Client:
    """A test client signed in as ``user``; ``verified`` also completes two-factor."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if verified:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
    return client


@pytest.fixture
def client_for() -> Callable[..., Client]:
    return signed_in_client


@pytest.fixture
def all_roles() -> list[str]:
    return list(Role.values)


@pytest.fixture
def atomic():
    return transaction.atomic
