"""Supply and sale of the register: record the request, work out the fee, build the package.

Entitlement and charging follow ``ems_rules.supply`` and ``ems_rules.fees``; what may be
published follows ``exporters.supply_csv``. Each service writes its audit row in the same
transaction; the delivery package is an AES-256 encrypted ZIP (opens in 7-Zip and similar).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyzipper
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ems.audit.services import audit_record, snapshot
from ems.geography.models import PollingDistrict
from ems_rules import fees
from ems_rules.supply import check_supply

from .exporters import supply_csv
from .models import SupplyRequest, SupplyState
from .selectors import iter_register_as_at

if TYPE_CHECKING:
    from ems.accounts.models import User
    from ems.core.models import Authority

_FIELDS = ["reference", "recipient_name", "recipient_organisation", "entitlement", "document", "form", "as_at",
           "district_codes", "free", "entries", "fee_pence", "state"]  # fmt: skip
_KIND_FOR_DOCUMENT = {"full": "full", "open": "open"}


def _next_reference(authority: Authority) -> str:
    year = timezone.localdate().year
    count = SupplyRequest.objects.filter(authority=authority, reference__startswith=f"SUP-{year}-").count()
    return f"SUP-{year}-{count + 1:04d}"


@transaction.atomic
def supply_request_create(
    *,
    acting_user: User | None,
    authority: Authority,
    recipient_name: str,
    entitlement: str,
    document: str,
    form: str,
    as_at: dt.date,
    district_codes: list[str] | None = None,
    recipient_organisation: str = "",
    recipient_email: str = "",
    notes: str = "",
) -> SupplyRequest:
    if not recipient_name.strip():
        raise ValidationError({"recipient_name": "Enter who the register is for"})
    if document not in _KIND_FOR_DOCUMENT:
        raise ValidationError({"document": "Only the full and open registers can be supplied here yet"})
    if form not in {f.value for f in fees.Form}:
        raise ValidationError({"form": "Choose data or printed form"})
    try:
        rule = check_supply(entitlement, document)
    except ValueError as exc:
        raise ValidationError({"entitlement": str(exc)}) from None
    codes = sorted({c.strip().upper() for c in (district_codes or []) if c.strip()})
    known = set(PollingDistrict.objects.filter(authority=authority, code__in=codes).values_list("code", flat=True))
    if set(codes) - known:
        raise ValidationError({"district_codes": f"Unknown polling districts: {', '.join(sorted(set(codes) - known))}"})
    request = SupplyRequest.objects.create(
        authority=authority, reference=_next_reference(authority), recipient_name=recipient_name.strip(),
        recipient_organisation=recipient_organisation.strip(), recipient_email=recipient_email.strip(),
        entitlement=entitlement, document=document, form=form, as_at=as_at, district_codes=codes, free=rule.free,
        notes=notes, created_by=acting_user if acting_user is not None and acting_user.pk else None,
    )  # fmt: skip
    audit_record(
        actor=acting_user, authority=authority, action="register.supply.request", obj=request,
        after=snapshot(request, _FIELDS),
    )  # fmt: skip
    return request


@transaction.atomic
def supply_request_deliver(*, acting_user: User | None, request: SupplyRequest) -> dict[str, Any]:
    """Build the encrypted package and log the supply. Returns the passphrase (shown once) and fee."""
    request = SupplyRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != SupplyState.REQUESTED:
        raise ValidationError(f"{request.reference} is already {request.get_state_display().lower()}")
    kind = _KIND_FOR_DOCUMENT[request.document]
    codes = request.district_codes or [None]
    buffer = io.StringIO()
    rows = supply_csv.register_rows(
        (entry for code in codes for entry in iter_register_as_at(request.authority_id, request.as_at, code)),
        kind,
        request.as_at,
    )
    entries = supply_csv.write_csv(rows, buffer)
    fee = (
        0
        if request.free
        else fees.sale_fee_pence(
            request.document, request.form, entries, on=request.as_at, nation=request.authority.nation
        )
    )
    passphrase = "-".join(secrets.token_hex(3) for _ in range(4))
    folder = Path(settings.JOB_FILES_DIR) / "supply" / request.authority.gss_code
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{request.reference}.zip"
    with pyzipper.AESZipFile(path, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(passphrase.encode())
        archive.writestr(f"{request.reference}-{kind}-register-{request.as_at.isoformat()}.csv", buffer.getvalue())
    before = snapshot(request, _FIELDS)
    request.entries, request.fee_pence = entries, fee
    request.state, request.delivered_at = SupplyState.DELIVERED, timezone.now()
    request.package_path = str(path.relative_to(settings.JOB_FILES_DIR))
    request.package_sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    request.save()
    audit_record(
        actor=acting_user, authority=request.authority, action="register.supply.deliver", obj=request,
        before=before, after=snapshot(request, _FIELDS),
    )  # fmt: skip
    return {"passphrase": passphrase, "entries": entries, "fee": fees.format_pounds(fee), "path": path}


@transaction.atomic
def supply_request_refuse(*, acting_user: User | None, request: SupplyRequest, reason: str) -> SupplyRequest:
    if not reason.strip():
        raise ValidationError("Give the reason for refusing")
    request = SupplyRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != SupplyState.REQUESTED:
        raise ValidationError(f"{request.reference} is already {request.get_state_display().lower()}")
    request.state = SupplyState.REFUSED
    request.save(update_fields=["state"])
    audit_record(
        actor=acting_user, authority=request.authority, action="register.supply.refuse", obj=request, reason=reason
    )
    return request
