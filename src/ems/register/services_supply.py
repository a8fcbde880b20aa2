"""Load a register from a supply CSV: properties by UPRN, electors by number, additions recorded.

All-or-nothing (one transaction) and idempotent: electors are matched by polling district,
number and suffix among current entries; an unchanged entry is left alone, a changed one is
amended with an alteration, a new one is added on the revised-register notice of the load date.
Electors in the database but absent from the file are left alone: a supply file may cover
only some districts.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from ems.audit.services import audit_record
from ems.geography.models import AreaType, ElectoralArea, PollingDistrict

from .bulk import fast_insert
from .importers.supply_csv import SupplyRow
from .models import Alteration, AlterationKind, Elector, Notice, NoticeKind, NoticeState, Property, new_ems_elector_id

if TYPE_CHECKING:
    from ems.accounts.models import User
    from ems.core.models import Authority

UNASSIGNED_WARD = "Unassigned (imported)"
IMPORT_REASON = "Loaded from a register supply file"
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
    from .services_alterations import _entry_of

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

    # Properties by UPRN: create the ones not yet known.
    uprns = dict(Property.objects.filter(authority=authority).values_list("uprn", "pk"))
    new_props: dict[int, SupplyRow] = {}
    for row in rows:
        if row.uprn is not None and row.uprn not in uprns and row.uprn not in new_props:
            new_props[row.uprn] = row
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
    uprns.update(zip(new_props, prop_ids, strict=True))

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

    elector_columns = (
        "authority_id", "ems_elector_id", "polling_district_id", "property_id", "elector_number", "elector_suffix",
        "title", "first_names", "surname", "markers", "attainer_date", "date_of_birth", "is_anonymous",
        "open_register_opt_out", "special_category", "absent_vote", "proxy_name", "registered_on",
    )  # fmt: skip
    new_ids = fast_insert(
        Elector,
        elector_columns,
        [
            (
                authority.pk, new_ems_elector_id(), districts[r.district], uprns.get(r.uprn) if r.uprn else None,
                r.number, r.suffix, "", r.first_names, r.surname, r.markers, r.attainer_date, r.date_of_birth,
                r.anonymous, r.anonymous, "", "", "", effective_date,
            )
            for r in to_add
        ],
    )  # fmt: skip
    # One addition per new elector; built from the rows just written, in batches.
    for start in range(0, len(new_ids), 5000):
        batch = Elector.records.filter(pk__in=new_ids[start : start + 5000]).select_related(
            "property", "polling_district"
        )
        fast_insert(
            Alteration,
            ("authority_id", "polling_district_id", "elector_id", "kind", "effective_date", "notice_id", "entry",
             "reason", "created_at"),
            [
                (authority.pk, e.polling_district_id, e.pk, AlterationKind.ADD, effective_date, notice.pk,
                 _json(_entry_of(e)), IMPORT_REASON, timezone.now())
                for e in batch
            ],
        )  # fmt: skip
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
    counts = {
        "rows": len(rows),
        "districts_created": len(missing),
        "properties_created": len(prop_ids),
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


def _json(value: dict[str, Any]) -> Any:
    """JSON for a raw COPY/INSERT into a JSONField column."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    text = json.dumps(value, cls=DjangoJSONEncoder)
    return text if connection.vendor in ("postgresql", "sqlite") else value
