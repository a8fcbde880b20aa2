"""Load a register from a supply CSV: properties by UPRN, electors by number, additions recorded.

All-or-nothing (one transaction) and idempotent: electors are matched by polling district,
number and suffix among current entries; an unchanged entry is left alone, a changed one is
amended with an alteration, a new one is added on the revised-register notice of the load date.
Electors in the database but absent from the file are left alone: a supply file may cover
only some districts.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from ems.audit.services import audit_record
from ems.geography.models import AreaType, ElectoralArea, PollingDistrict

from .bulk import bulk_load, fast_insert, insert_additions, refresh_statistics
from .importers.supply_csv import SupplyRow
from .models import Alteration, AlterationKind, Elector, Notice, NoticeKind, NoticeState, Property, new_ems_elector_id
from .search import search_text

if TYPE_CHECKING:
    from ems.accounts.models import User
    from ems.core.models import Authority

UNASSIGNED_WARD = "Unassigned (imported)"
IMPORT_REASON = "Loaded from a register supply file"
# A JSON string literal (C-accelerated), as json.dumps writes one.
_json_string = json.encoder.encode_basestring_ascii
_COMPARED = ("title", "first_names", "surname", "markers", "attainer_date", "date_of_birth", "is_anonymous")


def _values(row: SupplyRow) -> dict[str, Any]:
    return {
        "title": "",
        "first_names": row.first_names,
        "surname": row.surname,
        "markers": row.markers,
        "attainer_date": row.attainer_date,
        "date_of_birth": row.date_of_birth,
        "is_anonymous": row.anonymous,
    }


@transaction.atomic
def register_import_supply(
    *,
    acting_user: User | None,
    authority: Authority,
    rows: list[SupplyRow],
    effective_date: dt.date,
    source_name: str,
) -> dict[str, int]:

    # Polling districts: create any missing, under a placeholder ward the officer then fixes.
    districts = dict(PollingDistrict.objects.filter(authority=authority).values_list("code", "pk"))
    missing = sorted({r.district for r in rows} - set(districts))
    if missing:
        ward, _ = ElectoralArea.objects.get_or_create(
            authority=authority, area_type=AreaType.WARD, name=UNASSIGNED_WARD
        )
        for code in missing:
            districts[code] = PollingDistrict.objects.create(
                authority=authority, code=code, name=f"{code} (imported)", ward=ward
            ).pk

    # Electors by (district, number, suffix) among current entries.
    current = {
        (d, n, s): (pk, values)
        for d, n, s, pk, *values in Elector.records.filter(authority=authority, deleted_on__isnull=True).values_list(
            "polling_district_id", "elector_number", "elector_suffix", "pk", *_COMPARED
        )
    }
    notice = Notice.objects.filter(authority=authority, kind=NoticeKind.REVISED, effective_date=effective_date).first()
    if notice is None:
        notice = Notice.objects.create(
            authority=authority,
            kind=NoticeKind.REVISED,
            effective_date=effective_date,
            state=NoticeState.PUBLISHED,
            published_at=timezone.now(),
            title=f"Register loaded from {source_name}",
        )
    to_add: list[SupplyRow] = []
    changed: list[tuple[int, SupplyRow]] = []
    for row in rows:
        key = (districts[row.district], row.number, row.suffix)
        found = current.get(key)
        if found is None:
            to_add.append(row)
        elif tuple(found[1]) != tuple(_values(row)[f] for f in _COMPARED):
            changed.append((found[0], row))
    del current

    # Properties by UPRN: create the ones not yet known. Addresses of known ones are read for
    # the alteration entries; new ones take theirs from the file, as written.
    uprns = dict(Property.objects.filter(authority=authority).values_list("uprn", "pk"))
    new_props: dict[int, SupplyRow] = {}
    for row in to_add:
        if row.uprn is not None and row.uprn not in uprns and row.uprn not in new_props:
            new_props[row.uprn] = row
    known_ids = {uprns[r.uprn] for r in to_add if r.uprn is not None and r.uprn in uprns}
    addresses = _property_addresses(authority, known_ids)
    with bulk_load(Property, Elector, Alteration, incoming_rows=len(to_add)):
        new_ids, prop_count = _write_new_entries(
            authority, districts, uprns, new_props, to_add, addresses, notice, effective_date
        )
    # Changed entries go through the amendment service (few; each audited).
    if changed:
        from .services_alterations import elector_amend

        for pk, row in changed:
            elector_amend(
                acting_user=acting_user,
                elector=Elector.records.get(pk=pk),
                changes={f: _values(row)[f] for f in _COMPARED},
                reason=IMPORT_REASON,
                effective_date=max(effective_date, timezone.localdate()),
            )
    refresh_statistics(Property, Elector, Alteration)
    counts = {
        "rows": len(rows),
        "districts_created": len(missing),
        "properties_created": prop_count,
        "electors_added": len(new_ids),
        "electors_amended": len(changed),
        "unchanged": len(rows) - len(new_ids) - len(changed),
    }
    audit_record(
        actor=acting_user,
        authority=authority,
        action="register.supply_import",
        object_type="register.notice",
        object_id=notice.pk,
        after={**counts, "file": source_name},
        reason=IMPORT_REASON,
    )
    return counts


def _write_new_entries(
    authority: Authority,
    districts: dict[str, int],
    uprns: dict[int, int],
    new_props: dict[int, SupplyRow],
    to_add: list[SupplyRow],
    addresses: dict[int, tuple[Any, ...]],
    notice: Notice,
    effective_date: dt.date,
) -> tuple[list[int], int]:
    """COPY the new properties, electors and their "addition" alterations; returns the new
    elector ids and the number of properties created."""
    prop_columns = (
        "authority_id", "uprn", "address_1", "address_2", "address_3", "address_4", "address_5", "address_6",
        "postcode", "polling_district_id", "status", "walk_order", "source",
    )  # fmt: skip
    prop_ids = fast_insert(
        Property,
        prop_columns,
        [
            (authority.pk, uprn, *r.address, r.postcode, districts[r.district], "residential", r.number, "supply-csv")
            for uprn, r in new_props.items()
        ],
    )
    for pk, (uprn, r) in zip(prop_ids, new_props.items(), strict=True):
        uprns[uprn] = pk
        addresses[pk] = (*r.address, r.postcode, uprn)
    code_of = {pk: code for code, pk in districts.items()}
    now = timezone.now()
    new_ids: list[int] = []
    # In batches, so memory holds one batch of rows to write, not a million.
    for start in range(0, len(to_add), _BATCH):
        batch = to_add[start : start + _BATCH]
        elector_ids = [new_ems_elector_id() for _ in batch]
        property_ids = [uprns.get(r.uprn) if r.uprn else None for r in batch]
        batch_ids = fast_insert(
            Elector,
            _ELECTOR_COLUMNS,
            [
                (
                    authority.pk, ems_id, districts[r.district], prop, r.number, r.suffix, "", r.first_names,
                    r.surname, r.markers, r.attainer_date, r.date_of_birth, r.anonymous, r.anonymous, "", "", "",
                    effective_date, search_text(r.first_names, r.surname, addresses[prop][:3] if prop else ()),
                )
                for r, ems_id, prop in zip(batch, elector_ids, property_ids, strict=True)
            ],
        )  # fmt: skip
        # One addition per new elector. The entry is built from what was just written, in the
        # exact shape of services_alterations._entry_of (a test compares the two). SQLite builds
        # it itself from the rows just written (its json_object is faster than Python's, and the
        # text never crosses the driver); PostgreSQL takes it through COPY.
        if connection.vendor == "sqlite":
            insert_additions(
                authority_id=authority.pk, notice_id=notice.pk, effective_date=effective_date, reason=IMPORT_REASON,
                where="e.id BETWEEN %s AND %s", params=[batch_ids[0], batch_ids[-1]],
            )  # fmt: skip
            new_ids.extend(batch_ids)
            continue
        fast_insert(
            Alteration,
            _ALTERATION_COLUMNS,
            [
                (
                    authority.pk, districts[r.district], pk, AlterationKind.ADD, effective_date, notice.pk,
                    _entry_json(r, pk, ems_id, districts[r.district], code_of, prop, addresses), IMPORT_REASON, now,
                )
                for r, pk, ems_id, prop in zip(batch, batch_ids, elector_ids, property_ids, strict=True)
            ],
        )  # fmt: skip
        new_ids.extend(batch_ids)
    return new_ids, len(prop_ids)


_BATCH = 50_000
_ELECTOR_COLUMNS = (
    "authority_id", "ems_elector_id", "polling_district_id", "property_id", "elector_number", "elector_suffix",
    "title", "first_names", "surname", "markers", "attainer_date", "date_of_birth", "is_anonymous",
    "open_register_opt_out", "special_category", "absent_vote", "proxy_name", "registered_on", "search_text",
)  # fmt: skip
_ALTERATION_COLUMNS = (
    "authority_id", "polling_district_id", "elector_id", "kind", "effective_date", "notice_id", "entry", "reason",
    "created_at",
)  # fmt: skip
_ADDRESS = ("address_1", "address_2", "address_3", "address_4", "address_5", "address_6", "postcode", "uprn")


def _property_addresses(authority: Authority, ids: set[int]) -> dict[int, tuple[Any, ...]]:
    found: dict[int, tuple[Any, ...]] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 20000):
        for pk, *values in Property.objects.filter(
            authority=authority, pk__in=ordered[start : start + 20000]
        ).values_list("pk", *_ADDRESS):
            found[pk] = tuple(values)
    return found


def _entry(
    row: SupplyRow,
    pk: int,
    ems_id: str,
    district_id: int,
    code_of: dict[int, str],
    prop: int | None,
    addresses: dict[int, tuple[Any, ...]],
) -> dict[str, Any]:
    """The alteration entry of a new elector, as ``services_alterations._entry_of`` shapes it."""
    address = addresses.get(prop) if prop is not None else None
    entry: dict[str, Any] = {
        "polling_district_id": district_id, "elector_number": row.number, "elector_suffix": row.suffix, "title": "",
        "first_names": row.first_names, "surname": row.surname,
        "date_of_birth": row.date_of_birth.isoformat() if row.date_of_birth else None, "markers": row.markers,
        "attainer_date": row.attainer_date.isoformat() if row.attainer_date else None,
        "open_register_opt_out": row.anonymous, "is_anonymous": row.anonymous, "special_category": "",
        "property_id": prop, "polling_district_code": code_of[district_id], "ems_elector_id": ems_id,
    }  # fmt: skip
    for name, value in zip(_ADDRESS, address or ("",) * 7 + (None,), strict=True):
        entry[name] = value
    return entry


def _entry_json(
    row: SupplyRow,
    pk: int,
    ems_id: str,
    district_id: int,
    code_of: dict[int, str],
    prop: int | None,
    addresses: dict[int, tuple[Any, ...]],
) -> str:
    """``_entry`` as JSON text, for COPY. Serialised by hand: ``json.dumps`` of a million dicts
    costs seconds, and every value here is a string, whole number, boolean or null
    (``test_supply_entry_json_matches_entry`` checks the two agree)."""
    text = _json_string
    address = addresses.get(prop) if prop is not None else None
    a1, a2, a3, a4, a5, a6, postcode, uprn = address or ("",) * 7 + (None,)
    anonymous = "true" if row.anonymous else "false"
    dob = text(row.date_of_birth.isoformat()) if row.date_of_birth else "null"
    attainer = text(row.attainer_date.isoformat()) if row.attainer_date else "null"
    return (
        f'{{"polling_district_id": {district_id}, "elector_number": {row.number}, '
        f'"elector_suffix": {row.suffix}, "title": "", "first_names": {text(row.first_names)}, '
        f'"surname": {text(row.surname)}, "date_of_birth": {dob}, "markers": {text(row.markers)}, '
        f'"attainer_date": {attainer}, "open_register_opt_out": {anonymous}, "is_anonymous": {anonymous}, '
        f'"special_category": "", "property_id": {"null" if prop is None else prop}, '
        f'"polling_district_code": {text(code_of[district_id])}, "ems_elector_id": {text(ems_id)}, '
        f'"address_1": {text(a1)}, "address_2": {text(a2)}, "address_3": {text(a3)}, "address_4": {text(a4)}, '
        f'"address_5": {text(a5)}, "address_6": {text(a6)}, "postcode": {text(postcode)}, '
        f'"uprn": {"null" if uprn is None else int(uprn)}}}'
    )
