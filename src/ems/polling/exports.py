"""Polling stations and the address → station mapping in Civica Xpress's "DemocracyClub" layout.

Democracy Club's WhereDoIVote reads this file (shared/domain/ems-export-formats.md §4.1), and so
does our own importer (``register.importers.polling_data.read_xpress_dc``): the export is checked
by importing it into a fresh authority and comparing stations, districts and each property's
station (tests/ems/polling/test_exports.py).

The layout is the current 38-column one, header exactly as Xpress writes it (with its fused
``Polling_Place_UPRNProperty_URN`` column and the repeated second block), tab-separated, UTF-8,
named ``Democracy_Club__DDMonYYYY.tsv``. Conventions kept: ``Addressline6`` holds the postcode
(the importer reads the postcode from it), the station id is ``Polling_Place_Id`` (Xpress has
one station per place id), a missing easting/northing is ``0``, dates are ``DD/MM/YYYY``.

What does not round-trip, by the layout's design: a sixth address line (joined onto the fifth),
a place's fifth address line (joined onto the fourth), a station's number (Xpress has none) and
the place a station sits in (each station becomes its own place on import).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from ems.elections.models import BallotStatus
from ems.register.models import Elector, Property, PropertyStatus

from . import selectors
from .models import Poll, StationAllocation

HEADER = (
    "ElectionDate", "Contested", "Property_URN", "AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4",
    "AddressLine5", "Addressline6", "Post_Code", "Polling_Place_Id", "Polling_Place_Name", "Polling_Place_Address_1",
    "Polling_Place_Address_2", "Polling_Place_Address_3", "Polling_Place_Address_4", "Polling_Place_Postcode",
    "Polling_Place_Easting", "Polling_Place_Northing", "Polling_Place_UPRNProperty_URN", "AddressLine11",
    "AddressLine21", "AddressLine31", "AddressLine41", "AddressLine51", "Addressline61", "Post_Code1",
    "Polling_Place_District_Reference", "Polling_Place_Id1", "Polling_Place_Name1", "Polling_Place_Address_11",
    "Polling_Place_Address_21", "Polling_Place_Address_31", "Polling_Place_Address_41", "Polling_Place_Postcode1",
    "Polling_Place_Easting1", "Polling_Place_Northing1", "Polling_Place_UPRN",
)  # fmt: skip
CHUNK = 5000


def file_name(poll: Poll) -> str:
    return f"Democracy_Club__{poll.poll_date:%d%b%Y}.tsv"


def _lines(values: Sequence[str], limit: int) -> list[str]:
    """``limit`` lines, blanks removed, any beyond the limit joined onto the last."""
    lines = [" ".join(str(v).split()) for v in values if v and str(v).strip()]
    if len(lines) > limit:
        lines = [*lines[: limit - 1], ", ".join(lines[limit - 1 :])]
    return lines + [""] * (limit - len(lines))


def _grid(value: float | None) -> str:
    return "0" if value is None else f"{value:.0f}" if float(value).is_integer() else str(value)


def _station_block(allocation: StationAllocation) -> dict[str, str]:
    station = allocation.station
    place = station.place
    address = _lines([place.address_1, place.address_2, place.address_3, place.address_4, place.address_5], 4)
    return {
        "id": station.code,
        "name": place.name,
        "address": address,  # type: ignore[dict-item]
        "postcode": place.postcode,
        "easting": _grid(place.easting),
        "northing": _grid(place.northing),
        "uprn": str(place.uprn or ""),
    }


def _contested(poll: Poll) -> str:
    ballots = list(poll.ballots())
    if any(b.status in (BallotStatus.SOPN_PUBLISHED, BallotStatus.POLLED) and not b.uncontested for b in ballots):
        return "Yes"
    return "Unknown"


def _station_by_property(
    district_id: int, allocations: list[StationAllocation], property_ids: list[int]
) -> dict[int, StationAllocation]:
    """Which allocation a property's electors fall in, for a district split by elector number."""
    if len(allocations) == 1:
        return {}
    lowest: dict[int, int] = {}
    for property_id, number in (
        Elector.records.filter(polling_district_id=district_id, property_id__in=property_ids, deleted_on__isnull=True)
        .values_list("property_id", "elector_number")
        .order_by()
    ):
        if property_id not in lowest or number < lowest[property_id]:
            lowest[property_id] = number
    out: dict[int, StationAllocation] = {}
    for property_id, number in lowest.items():
        for allocation in allocations:
            if allocation.covers(number):
                out[property_id] = allocation
                break
    return out


def xpress_rows(poll: Poll) -> Iterator[list[str]]:
    """The header, then one row per residential property of an allotted district."""
    yield list(HEADER)
    date = poll.poll_date.strftime("%d/%m/%Y")
    contested = _contested(poll)
    by_district: dict[int, list[StationAllocation]] = defaultdict(list)
    for allocation in selectors.allocations_of(poll):
        by_district[allocation.district_id].append(allocation)
    for district_id, allocations in sorted(by_district.items(), key=lambda kv: kv[1][0].district.code):
        code = allocations[0].district.code
        blocks = {a.pk: _station_block(a) for a in allocations}
        properties = (
            Property.objects.filter(
                authority_id=poll.authority_id, polling_district_id=district_id, retired_at__isnull=True
            )
            .exclude(status__in=[PropertyStatus.NON_RESIDENTIAL, PropertyStatus.DEMOLISHED])
            .order_by("walk_order", "uprn")
            .values_list(
                "pk", "uprn", "address_1", "address_2", "address_3", "address_4", "address_5", "address_6", "postcode"
            )
        )
        batch: list[Any] = []
        for row in properties.iterator(chunk_size=CHUNK):
            batch.append(row)
            if len(batch) >= CHUNK:
                yield from _property_rows(batch, district_id, allocations, blocks, date, contested, code)
                batch = []
        yield from _property_rows(batch, district_id, allocations, blocks, date, contested, code)


def _property_rows(
    batch: list[Any],
    district_id: int,
    allocations: list[StationAllocation],
    blocks: dict[int, dict[str, Any]],
    date: str,
    contested: str,
    district_code: str,
) -> Iterator[list[str]]:
    if not batch:
        return
    split = _station_by_property(district_id, allocations, [row[0] for row in batch])
    for pk, uprn, *address, postcode in batch:
        allocation = split.get(pk, allocations[0])
        block = blocks[allocation.pk]
        lines = _lines(address, 5)
        place = [
            block["id"], block["name"], *block["address"], block["postcode"], block["easting"], block["northing"],
        ]  # fmt: skip
        yield [
            date, contested, str(uprn), *lines, postcode, postcode, *place,
            "", *lines, postcode, postcode, district_code, *place, block["uprn"],
        ]  # fmt: skip


def xpress_dc_lines(poll: Poll) -> Iterator[str]:
    """The file as text lines, for a streaming download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\r\n")
    for row in xpress_rows(poll):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def write_xpress_dc(poll: Poll, target: io.TextIOBase | Any) -> int:
    """Write the file to an open text file; returns the number of property rows."""
    rows = 0
    for line in xpress_dc_lines(poll):
        target.write(line)
        rows += 1
    return rows - 1
