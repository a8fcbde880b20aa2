"""The register importer's large-load path: bulk-load mode and the hand-written entry JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from ems.core.services import authority_create
from ems.register import bulk
from ems.register.importers.supply_csv import SupplyRow
from ems.register.models import Alteration, Elector, Property
from ems.register.services_supply import _entry, _entry_json, register_import_supply

awkward_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(
    first=awkward_text,
    surname=awkward_text,
    markers=st.sampled_from(["", "E", "G", "KN", "F"]),
    dob=st.none() | st.dates(),
    attainer=st.none() | st.dates(),
    anonymous=st.booleans(),
    address=st.none() | st.tuples(*[awkward_text] * 7, st.none() | st.integers(1, 999_999_999_999)),
    prop=st.none() | st.integers(1, 2**40),
    number=st.integers(1, 99_999_999),
    suffix=st.integers(0, 9999),
)
def test_entry_json_is_the_entry_as_json(first, surname, markers, dob, attainer, anonymous, address, prop, number,
                                         suffix):  # fmt: skip
    row = SupplyRow(
        row=2, district="AB", number=number, suffix=suffix, markers=markers, attainer_date=attainer,
        date_of_birth=dob, surname=surname, first_names=first, postcode="", address=("",) * 6, uprn=None,
        anonymous=anonymous,
    )  # fmt: skip
    addresses = {prop: address} if prop is not None and address is not None else {}
    args = (row, 7, "e-1234", 3, {3: 'AB"1'}, prop, addresses)
    assert json.loads(_entry_json(*args)) == _entry(*args)


def _schema(tables: list[str]) -> tuple[list[str], list[str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) ORDER BY type, name",  # noqa: S608
                tables,
            )
            return [f"{t} {n} {sql}" for t, n, sql in cursor.fetchall()], []
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY indexdef", [tables])
        indexes = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1",
            [tables],
        )
        return indexes, [r[0] for r in cursor.fetchall()]


def _rows(count: int, district: str = "BL") -> list[SupplyRow]:
    return [
        SupplyRow(
            row=i + 2,
            district=district,
            number=i + 1,
            suffix=0,
            markers="",
            attainer_date=None,
            date_of_birth=None,
            surname=f"Surname{i}",
            first_names="Pat",
            postcode="AB1 2CD",
            address=(f"{i} Bulk Road", "", "", "", "", ""),
            uprn=900_000_000 + i,
            anonymous=False,
        )
        for i in range(count)
    ]


@pytest.mark.django_db
def test_bulk_load_mode_rebuilds_every_index_and_foreign_key(monkeypatch):
    monkeypatch.setattr(bulk, "BULK_LOAD_MIN_ROWS", 10)
    tables = [m._meta.db_table for m in (Property, Elector, Alteration)]
    before = _schema(tables)
    authority = authority_create(
        acting_user=None, name="Bulk Council", gss_code="E07000301", nation="ENG", authority_type="NMD"
    )
    used: list[bool] = []
    original = bulk.bulk_load

    def spy(*models, incoming_rows):
        cm = original(*models, incoming_rows=incoming_rows)

        class Wrapper:
            def __enter__(self):
                used.append(cm.__enter__())
                return used[-1]

            def __exit__(self, *exc):
                return cm.__exit__(*exc)

        return Wrapper()

    monkeypatch.setattr("ems.register.services_supply.bulk_load", spy)
    counts = register_import_supply(
        acting_user=None, authority=authority, rows=_rows(50), effective_date=dt.date(2026, 1, 5), source_name="b.csv"
    )
    assert used == [True] and counts["electors_added"] == 50
    assert _schema(tables) == before  # every index and foreign key is back, as it was
    assert Elector.records.filter(authority=authority, surname__icontains="name4").count() == 11


@pytest.mark.django_db
def test_a_failed_bulk_load_leaves_nothing_and_keeps_the_schema(monkeypatch):
    monkeypatch.setattr(bulk, "BULK_LOAD_MIN_ROWS", 10)
    tables = [m._meta.db_table for m in (Property, Elector, Alteration)]
    before = _schema(tables)
    authority = authority_create(
        acting_user=None, name="Bulk Council", gss_code="E07000302", nation="ENG", authority_type="NMD"
    )

    written: list[int] = []

    def fail_after_electors(*args, **kwargs):
        written.append(Elector.records.filter(authority=authority).count())
        raise RuntimeError("disk full")  # the alteration COPY fails, after the electors went in

    # The alterations come after the electors: as JSON through COPY (PostgreSQL) or built by
    # SQLite itself (insert_additions). Either way, fail there.
    monkeypatch.setattr("ems.register.services_supply._entry_json", fail_after_electors)
    monkeypatch.setattr("ems.register.services_supply.insert_additions", fail_after_electors)
    with pytest.raises(Exception):  # noqa: B017 - any failure must roll everything back
        register_import_supply(
            acting_user=None, authority=authority, rows=_rows(40), effective_date=dt.date(2026, 1, 5), source_name="x"
        )
    assert written == [40]  # the failure came inside bulk-load mode, with the electors written
    assert not Elector.records.filter(authority=authority).exists()
    assert not Property.objects.filter(authority=authority).exists()
    assert _schema(tables) == before
    assert Alteration.objects.filter(authority=authority).count() == 0
