"""Sign-in, TOTP two-factor enforcement, enrolment, lockout and the session timeout."""

import base64
import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ems.accounts.roles import TWO_FACTOR_ROLES, Role
from ems.audit.models import AuditEvent

PASSWORD = "correct horse battery staple"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/account/sign-in/", {"username": username, "password": password})


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(TWO_FACTOR_ROLES))
def test_two_factor_roles_cannot_reach_anything_until_verified(role, authority_a, make_user):
    user = make_user(role, authority_a)
    client = Client()
    response = sign_in(client, user.username)
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/")
    for url in ["/dashboard/", "/audit/", "/jobs/", "/audit/export.csv"]:
        blocked = client.get(url)
        assert blocked.status_code == 302 and blocked["Location"] == "/account/two-factor/", url

    wrong = client.post(
        "/account/two-factor/", {"token": "000000" if current_code(user.totpdevice_set.get()) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert b"There is a problem" in wrong.content and b"The code is not correct" in wrong.content

    throttled = client.post("/account/two-factor/", {"token": current_code(user.totpdevice_set.get())})
    assert b"Too many wrong codes" in throttled.content  # django-otp throttles after a failure

    with time_machine.travel(timezone.now() + timedelta(seconds=90)):
        ok = client.post(
            "/account/two-factor/", {"token": current_code(user.totpdevice_set.get()), "next": "/dashboard/"}
        )
        assert ok.status_code == 302 and ok["Location"] == "/dashboard/"
        assert client.get("/dashboard/").status_code == 200
    assert AuditEvent.objects.filter(actor=user, action="user.sign_in.two_factor").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(set(Role.values) - TWO_FACTOR_ROLES))
def test_other_roles_sign_in_with_password_only(role, authority_a, make_user):
    user = make_user(role, authority_a, with_device=False)
    client = Client()
    response = sign_in(client, user.username)
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    assert AuditEvent.objects.filter(actor=user, action="user.sign_in").exists()


@pytest.mark.django_db
def test_enrolment_shows_a_qr_code_and_confirms_the_device(authority_a, make_user):
    user = make_user(Role.MANAGER, authority_a, with_device=False)
    client = Client()
    sign_in(client, user.username)
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    assert b"<svg" in page.content and b"Set up two-factor authentication" in page.content
    secret = re.search(rb'data-testid="totp-secret">([A-Z2-7]+)<', page.content).group(1).decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key

    done = client.post("/account/two-factor/", {"token": current_code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(actor=user, action="two_factor.enrolled").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "12345", "abcdef", "1234567", "１２３４５６"])
def test_malformed_codes_get_a_clear_message(token, authority_a, make_user):
    user = make_user(Role.ERO, authority_a)
    client = Client()
    sign_in(client, user.username)
    response = client.post("/account/two-factor/", {"token": token})
    assert response.status_code == 200
    assert b"There is a problem" in response.content


@pytest.mark.django_db
def test_wrong_password_shows_error_summary_and_is_audited_by_axes(authority_a, make_user):
    user = make_user(Role.OFFICER, authority_a, with_device=False)
    response = sign_in(Client(), user.username, "wrong password!")
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Enter a correct username and password" in response.content
    failed = AuditEvent.objects.get(action="user.sign_in.failed")
    assert failed.object_id == user.username and failed.authority == authority_a and failed.actor is None
    empty = Client().post("/account/sign-in/", {})
    assert b"Enter your username" in empty.content and b"Enter your password" in empty.content


@pytest.mark.django_db
@pytest.mark.axes
def test_account_locks_after_repeated_failures(authority_a, make_user):
    user = make_user(Role.OFFICER, authority_a, with_device=False)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user.username, "wrong password!")
    locked = sign_in(client, user.username)  # even the right password is refused now
    assert locked.status_code == 429
    assert b"Your account is locked" in locked.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_is_audited_and_ends_the_session(authority_a, make_user, client_for):
    user = make_user(Role.OFFICER, authority_a, with_device=False)
    client = client_for(user)
    assert client.get("/dashboard/").status_code == 200
    out = client.post("/account/sign-out/")
    assert out.status_code == 302
    assert client.get("/dashboard/").status_code == 302
    assert AuditEvent.objects.filter(actor=user, action="user.sign_out").exists()


@pytest.mark.django_db
def test_next_parameter_cannot_redirect_off_site(authority_a, make_user):
    user = make_user(Role.OFFICER, authority_a, with_device=False)
    response = Client().post(
        "/account/sign-in/?next=https://evil.example/", {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == "/dashboard/"


def test_session_times_out_when_idle_and_passwords_use_argon2():
    from ems.config.settings import base

    assert base.SESSION_COOKIE_AGE <= 30 * 60
    assert base.SESSION_SAVE_EVERY_REQUEST is True
    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_inactive_or_authority_less_users_cannot_sign_in(authority_a, make_user):
    user = make_user(Role.OFFICER, authority_a, with_device=False)
    user.is_active = False
    user.save()
    response = sign_in(Client(), user.username)
    assert response.status_code == 200
