"""Writes for authorities (tenants)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from ems.audit.services import audit_record, snapshot

from .models import Authority, AuthorityType, Nation

if TYPE_CHECKING:
    from ems.accounts.models import User


@transaction.atomic
def authority_create(
    *,
    acting_user: User | None,
    name: str,
    gss_code: str,
    nation: str,
    authority_type: str,
    ero_body: Authority | None = None,
) -> Authority:
    if nation not in Nation.values:
        raise ValueError(f"Unknown nation: {nation}")
    if authority_type not in AuthorityType.values:
        raise ValueError(f"Unknown authority type: {authority_type}")
    authority = Authority.objects.create(
        name=name, gss_code=gss_code, nation=nation, authority_type=authority_type, ero_body=ero_body
    )
    audit_record(
        actor=acting_user, authority=authority, action="authority.create", obj=authority, after=snapshot(authority)
    )
    return authority
