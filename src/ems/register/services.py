"""Writes for the property base.

``polling_data_import`` loads what an importer read from another EMS's polling-data export
(``ems.register.importers``): polling districts, places, stations, properties and the
allocation of each property to its station and district — in one transaction, idempotently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models.expressions import DatabaseDefault

from ems.audit.services import audit_record
from ems.geography.models import AreaType, ElectoralArea, PollingDistrict, PollingPlace, PollingStation

from .importers.records import FORMAT_LABELS, AddressRecord, ParsedImport, PlaceRecord
from .models import Property
from .search import SEARCHED_ADDRESS_LINES, refresh_search_text

if TYPE_CHECKING:
    from ems.accounts.models import User
    from ems.core.models import Authority

UNASSIGNED_WARD_NAME = "Unassigned (imported)"
WRITE_BATCH = 1000
LOOKUP_CHUNK = 2000  # keys per ``__in`` lookup: well under SQLite's bound-parameter limit

PLACE_FIELDS = ["name", "address_1", "address_2", "address_3", "address_4", "address_5", "postcode", "source_format"]
PLACE_KEPT_IF_MISSING = ["uprn", "easting", "northing", "latitude", "longitude"]
PROPERTY_ADDRESS_FIELDS = ["address_1", "address_2", "address_3", "address_4", "address_5", "address_6", "postcode"]
PROPERTY_KEPT_IF_MISSING = ["easting", "northing", "latitude", "longitude"]


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _padded(lines: Sequence[str], count: int) -> list[str]:
    return [*lines, *[""] * (count - len(lines))][:count]


def _apply(obj: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ; report whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _place_values(record: PlaceRecord, fmt: str) -> dict[str, Any]:
    lines = _padded(record.lines, 5)
    values: dict[str, Any] = {
        "name": record.name[:300],
        "address_1": lines[0][:200],
        "address_2": lines[1][:200],
        "address_3": lines[2][:200],
        "address_4": lines[3][:200],
        "address_5": lines[4][:200],
        "postcode": record.postcode,
        "source_format": fmt,
    }
    for name in PLACE_KEPT_IF_MISSING:
        value = getattr(record, name)
        if value is not None:
            values[name] = value
    return values


def _upsert_districts(authority: Authority, parsed: ParsedImport, counts: Counter[str]) -> dict[str, PollingDistrict]:
    codes = list(parsed.districts)
    found: dict[str, PollingDistrict] = {}
    for chunk in _chunks(codes, LOOKUP_CHUNK):
        found.update((d.code, d) for d in PollingDistrict.objects.filter(authority=authority, code__in=chunk))
    to_update = []
    for code, record in parsed.districts.items():
        district = found.get(code)
        if district is not None and record.name and _apply(district, {"name": record.name[:200]}):
            to_update.append(district)
    PollingDistrict.objects.bulk_update(to_update, ["name"], batch_size=WRITE_BATCH)
    counts["districts_updated"] = len(to_update)
    missing = [record for code, record in parsed.districts.items() if code not in found]
    if missing:
        # PollingDistrict.ward is required; districts whose ward the export does not give go in
        # a placeholder ward for the team to sort out in the geography screens.
        ward, created = ElectoralArea.objects.get_or_create(
            authority=authority, area_type=AreaType.WARD, name=UNASSIGNED_WARD_NAME
        )
        counts["placeholder_ward_created"] = int(created)
        new = [
            PollingDistrict(authority=authority, code=r.code, name=(r.name or r.code)[:200], ward=ward) for r in missing
        ]
        PollingDistrict.objects.bulk_create(new, batch_size=WRITE_BATCH)
        counts["districts_created"] = len(new)
        # Re-read for primary keys (bulk_create does not set them on every database).
        for chunk in _chunks([r.code for r in missing], LOOKUP_CHUNK):
            found.update((d.code, d) for d in PollingDistrict.objects.filter(authority=authority, code__in=chunk))
    return found


def _upsert_places(authority: Authority, parsed: ParsedImport, counts: Counter[str]) -> dict[str, PollingPlace]:
    found: dict[str, PollingPlace] = {}
    for chunk in _chunks(list(parsed.places), LOOKUP_CHUNK):
        found.update((p.code, p) for p in PollingPlace.objects.filter(authority=authority, code__in=chunk))
    to_create, to_update = [], []
    for code, record in parsed.places.items():
        values = _place_values(record, parsed.format)
        place = found.get(code)
        if place is None:
            to_create.append(PollingPlace(authority=authority, code=code, **values))
        elif _apply(place, values):
            to_update.append(place)
    PollingPlace.objects.bulk_update(to_update, PLACE_FIELDS + PLACE_KEPT_IF_MISSING, batch_size=WRITE_BATCH)
    PollingPlace.objects.bulk_create(to_create, batch_size=WRITE_BATCH)
    counts["places_created"], counts["places_updated"] = len(to_create), len(to_update)
    for chunk in _chunks([p.code for p in to_create], LOOKUP_CHUNK):
        found.update((p.code, p) for p in PollingPlace.objects.filter(authority=authority, code__in=chunk))
    return found


def _upsert_stations(
    authority: Authority,
    parsed: ParsedImport,
    places: dict[str, PollingPlace],
    districts: dict[str, PollingDistrict],
    counts: Counter[str],
) -> dict[str, PollingStation]:
    found: dict[str, PollingStation] = {}
    for chunk in _chunks(list(parsed.stations), LOOKUP_CHUNK):
        found.update((s.code, s) for s in PollingStation.objects.filter(authority=authority, code__in=chunk))
    to_create, to_update = [], []
    for code, record in parsed.stations.items():
        values: dict[str, Any] = {"number": record.number[:20], "place_id": places[record.place_code].pk}
        if record.district_code:
            values["district_id"] = districts[record.district_code].pk
        station = found.get(code)
        if station is None:
            to_create.append(PollingStation(authority=authority, code=code, **values))
        elif _apply(station, values):
            to_update.append(station)
    PollingStation.objects.bulk_update(to_update, ["number", "place", "district"], batch_size=WRITE_BATCH)
    PollingStation.objects.bulk_create(to_create, batch_size=WRITE_BATCH)
    counts["stations_created"], counts["stations_updated"] = len(to_create), len(to_update)
    for chunk in _chunks([s.code for s in to_create], LOOKUP_CHUNK):
        found.update((s.code, s) for s in PollingStation.objects.filter(authority=authority, code__in=chunk))
    return found


# Properties are the bulk of an export (300,000 rows in a large county). Django's bulk_create
# and bulk_update spend ~0.2 ms a row building SQL (see ems.register.demo), so new and changed
# rows go to the database with one parameterised ``executemany`` each, on any backend.
PROPERTY_COLUMNS = [
    *PROPERTY_ADDRESS_FIELDS,
    *PROPERTY_KEPT_IF_MISSING,
    "polling_station_id",
    "polling_district_id",
    "source",
]


def _property_values(
    record: AddressRecord,
    stations: dict[str, PollingStation],
    districts: dict[str, PollingDistrict],
) -> dict[str, Any]:
    lines = _padded(record.lines, 6)
    values: dict[str, Any] = {f"address_{i + 1}": lines[i] for i in range(6)}
    values["postcode"] = record.postcode
    for name in PROPERTY_KEPT_IF_MISSING:
        value = getattr(record, name)
        if value is not None:
            values[name] = value
    station = stations[record.station_code] if record.station_code else None
    values["polling_station_id"] = station.pk if station else None
    if record.district_code:
        values["polling_district_id"] = districts[record.district_code].pk
    elif station is not None and station.district_id:
        values["polling_district_id"] = station.district_id
    return values


def _insert_properties(rows: list[dict[str, Any]]) -> None:
    """INSERT new properties; columns the import does not fill get the model's defaults."""
    if not rows:
        return
    template = Property()
    filled = {"authority_id", "uprn", *PROPERTY_COLUMNS}
    fields = [
        f
        for f in Property._meta.concrete_fields
        if not f.primary_key and (f.attname in filled or not isinstance(getattr(template, f.attname), DatabaseDefault))
    ]  # columns with only a database default are left to the database
    defaults = {
        f.attname: None if f.attname in filled else f.get_db_prep_save(getattr(template, f.attname), connection)
        for f in fields
    }
    columns = [str(f.column) for f in fields]
    names = [f.attname for f in fields]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(Property._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608 - our names
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for batch in _chunks(rows, WRITE_BATCH * 10):
            cursor.executemany(sql, [tuple(row.get(n, defaults[n]) for n in names) for row in batch])


def _update_properties(rows: list[tuple[Any, ...]]) -> None:
    """UPDATE changed properties: each row is the ``PROPERTY_COLUMNS`` values, then the id."""
    if not rows:
        return
    qn = connection.ops.quote_name
    by_attname = {f.attname: str(f.column) for f in Property._meta.concrete_fields}
    columns = [by_attname[name] for name in PROPERTY_COLUMNS]
    sql = (
        f"UPDATE {qn(Property._meta.db_table)} SET {', '.join(f'{qn(c)} = %s' for c in columns)} "  # noqa: S608
        f"WHERE {qn(str(Property._meta.pk.column))} = %s"
    )
    with connection.cursor() as cursor:
        for batch in _chunks(rows, WRITE_BATCH * 10):
            cursor.executemany(sql, list(batch))


def _upsert_properties(
    authority: Authority,
    parsed: ParsedImport,
    stations: dict[str, PollingStation],
    districts: dict[str, PollingDistrict],
    counts: Counter[str],
) -> None:
    for chunk in _chunks(parsed.addresses, LOOKUP_CHUNK):
        existing = {
            row[0]: row
            for row in Property.objects.filter(authority=authority, uprn__in=[a.uprn for a in chunk]).values_list(
                "uprn", "id", "district_override", *PROPERTY_COLUMNS
            )
        }
        to_create: list[dict[str, Any]] = []
        to_update: list[tuple[Any, ...]] = []
        readdressed: list[int] = []
        for record in chunk:
            values = _property_values(record, stations, districts)
            found = existing.get(record.uprn)
            if found is None:
                to_create.append({**values, "authority_id": authority.pk, "uprn": record.uprn, "source": parsed.format})
                continue
            _, pk, district_override, *current_values = found
            current = dict(zip(PROPERTY_COLUMNS, current_values, strict=True))
            if district_override:
                # Allocated by hand: the import leaves its district and station alone.
                values.pop("polling_district_id", None)
                values.pop("polling_station_id", None)
                counts["manual_allocations_kept"] += 1
            if not current["source"]:
                values["source"] = parsed.format
            wanted = {**current, **values}
            if wanted == current:
                counts["properties_unchanged"] += 1
            else:
                to_update.append((*(wanted[name] for name in PROPERTY_COLUMNS), pk))
                if any(wanted[n] != current[n] for n in SEARCHED_ADDRESS_LINES if n in current):
                    readdressed.append(pk)
        _insert_properties(to_create)
        _update_properties(to_update)
        refresh_search_text(property_ids=readdressed)
        counts["properties_created"] += len(to_create)
        counts["properties_updated"] += len(to_update)


@transaction.atomic
def polling_data_import(
    *, acting_user: User | None, authority: Authority, parsed: ParsedImport, source_name: str
) -> dict[str, int]:
    """Write an imported polling-data export for ``authority``; all or nothing.

    Districts, places and stations are matched by their code, properties by UPRN, all within
    the authority. Importing the same file again changes nothing. Properties missing from the
    file are left as they are. Returns the counts of what was created, updated and unchanged;
    one audit event (``register.polling_data.import``) records them.
    """
    if parsed.format not in FORMAT_LABELS:
        raise ValueError(f"Unknown export format: {parsed.format}")
    if not parsed.complete:
        raise ValueError("Democracy Counts needs two files: the polling stations file and the polling districts file")
    counts: Counter[str] = Counter()
    districts = _upsert_districts(authority, parsed, counts)
    places = _upsert_places(authority, parsed, counts)
    stations = _upsert_stations(authority, parsed, places, districts, counts)
    _upsert_properties(authority, parsed, stations, districts, counts)
    keys = [
        "districts_created",
        "districts_updated",
        "places_created",
        "places_updated",
        "stations_created",
        "stations_updated",
        "properties_created",
        "properties_updated",
        "properties_unchanged",
        "manual_allocations_kept",
        "placeholder_ward_created",
    ]
    result = {key: counts[key] for key in keys}
    audit_record(
        actor=acting_user,
        authority=authority,
        action="register.polling_data.import",
        object_type="register.property",
        after={
            "file": source_name,
            "files": parsed.files,
            "format": parsed.format,
            "encoding": parsed.encoding,
            "delimiter": parsed.delimiter,
            "rows_skipped": len(parsed.skipped),
            "counts": result,
        },
    )
    return result
