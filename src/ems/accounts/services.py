"""Writes for accounts: users, sign-in events and TOTP devices. Every one is audited."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from ems.audit.services import audit_record, snapshot
from ems.core.models import Authority

from .models import User
from .roles import Role

_USER_FIELDS = ["username", "first_name", "last_name", "email", "role", "authority_id", "is_active"]


@transaction.atomic
def user_create(
    *,
    acting_user: User | None,
    authority: Authority,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    if role not in Role.values:
        raise ValueError(f"Unknown role: {role}")
    user = User(
        username=username,
        authority=authority,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    user.set_password(password)
    user.save()
    audit_record(
        actor=acting_user,
        authority=authority,
        action="user.create",
        obj=user,
        after=snapshot(user, _USER_FIELDS),
    )
    return user


@transaction.atomic
def user_record_sign_in(*, user: User, two_factor: bool) -> None:
    audit_record(
        actor=user,
        authority=user.authority,
        action="user.sign_in.two_factor" if two_factor else "user.sign_in",
        obj=user,
    )


@transaction.atomic
def user_record_sign_out(*, user: User) -> None:
    audit_record(actor=user, authority=user.authority, action="user.sign_out", obj=user)


@transaction.atomic
def user_record_failed_sign_in(*, username: str, authority: Authority | None) -> None:
    audit_record(
        actor=None,
        authority=authority,
        action="user.sign_in.failed",
        object_type="accounts.user",
        object_id=username[:64],
    )


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """Create (or replace) the user's unconfirmed TOTP device for enrolment."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    audit_record(actor=user, authority=user.authority, action="two_factor.enrolment_started", obj=device)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, authority=user.authority, action="two_factor.enrolled", obj=device)


@transaction.atomic
def totp_device_create_confirmed(*, acting_user: User | None, user: User, key_hex: str) -> TOTPDevice:
    """Used by the demo loader: a confirmed device with a known key."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", key=key_hex, confirmed=True)
    audit_record(actor=acting_user, authority=user.authority, action="two_factor.enrolled", obj=device)
    return device
