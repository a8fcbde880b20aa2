"""Read every incumbent EMS polling-data export into plain records (``records.ParsedImport``).

One reader per format, each following the reading rules in
``shared/domain/ems-export-formats.md`` §4.1–4.5. Rows that cannot become a property are
skipped with a reason (``Skip``); a file that cannot be read at all raises ``ImportFileError``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .detect import ROLE_ADDRESSES, ROLE_STATIONS, Detected, Table, read_export
from .records import (
    FORMAT_DEMOCRACY_COUNTS,
    FORMAT_EONI,
    FORMAT_FCS,
    FORMAT_IDOX_EROS,
    FORMAT_IDOX_EROS_2026,
    FORMAT_XPRESS_DC,
    FORMAT_XPRESS_WEBLOOKUP,
    AddressRecord,
    DistrictRecord,
    ImportFileError,
    ParsedImport,
    PlaceRecord,
    Skip,
    StationRecord,
)

PROPERTY_LINES = 6
PLACE_LINES = 5
MAX_POSTCODE = 8
MAX_UPRN = 999_999_999_999  # UPRNs have at most 12 digits
MAX_DISTRICT_CODE = 10
MAX_PLACE_CODE = 100
MAX_STATION_CODE = 150
IDOX_PSEUDO_STREETS = frozenset({"other electors", "other voters", "other electors address"})
DC_DUMMY_POSTCODE = "A1 1AA"
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$")

Getter = Callable[[str], str]


# --- value cleaning --------------------------------------------------------------------------


def clean(value: Any) -> str:
    """Trim and collapse runs of whitespace (``"1  Eden House"`` → ``"1 Eden House"``)."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def clean_postcode(value: Any) -> str:
    return clean(value).upper()


def looks_like_postcode(value: str) -> bool:
    return bool(POSTCODE_RE.match(clean_postcode(value)))


def slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def lines_of(values: Iterable[Any], limit: int) -> tuple[str, ...]:
    """Non-blank address lines; any beyond ``limit`` are joined onto the last one."""
    lines = [line for line in (clean(v) for v in values) if line]
    if len(lines) > limit:
        lines = [*lines[: limit - 1], ", ".join(lines[limit - 1 :])]
    return tuple(lines)


def parse_uprn(value: Any) -> tuple[int | None, str]:
    """``(uprn, "")`` or ``(None, reason)``; zero padding is removed (``000072771509`` → 72771509)."""
    text = clean(value)
    if text.endswith(".0"):
        text = text[:-2]
    text = text.lstrip("0")
    if not text:
        return None, "no UPRN"
    if not text.isdigit():
        return None, f"UPRN '{clean(value)}' is not a number"
    number = int(text)
    if number > MAX_UPRN:
        return None, f"UPRN '{clean(value)}' has more than 12 digits"
    return number, ""


def parse_coordinate(value: Any) -> float | None:
    """A coordinate, or ``None`` for the many spellings of "missing" (``""``, ``0``, ``"0.00"``, junk)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    if number == 0 or number != number:  # zero, or NaN
        return None
    return number


def grid_point(easting: Any, northing: Any) -> tuple[float | None, float | None]:
    """OSGB36 easting/northing (EPSG:27700), both or neither, within Great Britain's grid."""
    e, n = parse_coordinate(easting), parse_coordinate(northing)
    if e is None or n is None or not (0 < e < 700_000 and 0 < n < 1_300_000):
        return None, None
    return e, n


def wgs84_point(latitude: Any, longitude: Any) -> tuple[float | None, float | None]:
    lat, lng = parse_coordinate(latitude), parse_coordinate(longitude)
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None, None
    return lat, lng


def column_index(table: Table) -> dict[str, int]:
    """Column positions by normalised name; the first of any repeated name wins."""
    return {name: i for i, name in reversed(list(enumerate(table.header)))}


def getter(index: dict[str, int], record: Sequence[str], na_is_blank: bool = False) -> Getter:
    def get(name: str) -> str:
        position = index.get(name)
        if position is None:
            return ""
        value = " ".join(record[position].split())
        if na_is_blank and value.lower() == "n/a":
            return ""
        return value

    return get


# --- collecting records ----------------------------------------------------------------------


class Collector:
    """Accumulates records from one import; the first occurrence of a key wins."""

    def __init__(self) -> None:
        self.districts: dict[str, DistrictRecord] = {}
        self.places: dict[str, PlaceRecord] = {}
        self.stations: dict[str, StationRecord] = {}
        self.addresses: dict[int, AddressRecord] = {}
        self.skipped: list[Skip] = []
        self.warnings: list[str] = []
        self.station_districts: dict[str, set[str]] = defaultdict(set)
        self.truncated = 0

    def skip(self, row: int, reason: str) -> None:
        self.skipped.append(Skip(row=row, reason=reason))

    def district(self, code: str, name: str = "") -> str:
        code = clean(code)
        if not code:
            return ""
        if len(code) > MAX_DISTRICT_CODE:
            raise ValueError(f"polling district code '{code}' is longer than {MAX_DISTRICT_CODE} characters")
        known = self.districts.get(code)
        if known is None or (not known.name and name):
            self.districts[code] = DistrictRecord(code=code, name=clean(name))
        return code

    def place(self, record: PlaceRecord) -> None:
        if len(record.code) > MAX_PLACE_CODE:
            raise ValueError(f"polling place id '{record.code}' is longer than {MAX_PLACE_CODE} characters")
        postcode = record.postcode
        if len(postcode) > MAX_POSTCODE:  # not a postcode: keep it as an address line
            lines = lines_of([*record.lines, postcode], PLACE_LINES)
            record = replace(record, lines=lines, postcode="")
        self.places.setdefault(record.code, record)

    def station(self, record: StationRecord) -> None:
        if len(record.code) > MAX_STATION_CODE:
            raise ValueError(f"polling station code '{record.code}' is longer than {MAX_STATION_CODE} characters")
        self.stations.setdefault(record.code, record)

    def link(self, station_code: str, district_code: str) -> None:
        """Record that a row puts ``station_code`` in ``district_code``."""
        if station_code and district_code:
            self.station_districts[station_code].add(district_code)

    def address(
        self,
        row: int,
        uprn_value: Any,
        lines: Sequence[Any],
        postcode: str,
        station_code: str = "",
        district_code: str = "",
        **coordinates: float | None,
    ) -> None:
        uprn, problem = parse_uprn(uprn_value)
        if uprn is None:
            self.skip(row, problem)
            return
        postcode = clean_postcode(postcode)
        if not postcode:
            self.skip(row, "blank postcode")
            return
        if len(postcode) > MAX_POSTCODE:
            self.skip(row, f"postcode '{postcode}' is longer than {MAX_POSTCODE} characters")
            return
        address_lines = lines_of(lines, PROPERTY_LINES)
        if not address_lines:
            self.skip(row, "no address")
            return
        if any(len(line) > 100 for line in address_lines):
            self.truncated += 1
            address_lines = tuple(line[:100] for line in address_lines)
        first = self.addresses.get(uprn)
        if first is not None:
            self.skip(row, f"duplicate UPRN {uprn} (first on row {first.row})")
            return
        self.addresses[uprn] = AddressRecord(
            row=row,
            uprn=uprn,
            lines=address_lines,
            postcode=postcode,
            station_code=station_code,
            district_code=district_code,
            **coordinates,
        )

    def finish(self, fmt: str, encoding: str, delimiter: str, files: list[str]) -> ParsedImport:
        # A station sits in a district when every row that names it agrees on the district.
        stations: dict[str, StationRecord] = {}
        for code, station in self.stations.items():
            if not station.district_code:
                found = self.station_districts.get(code, set())
                if len(found) == 1:
                    station = replace(station, district_code=next(iter(found)))
            stations[code] = station
        for station in stations.values():
            if station.district_code:
                self.district(station.district_code)
        missing_stations = sorted({a.station_code for a in self.addresses.values()} - set(stations) - {""})
        addresses = list(self.addresses.values())
        if missing_stations:
            shown = ", ".join(missing_stations[:5]) + (", …" if len(missing_stations) > 5 else "")
            self.warnings.append(
                f"{len(missing_stations)} station code(s) allotted to addresses are not in the stations file "
                f"({shown}); those properties are imported without a station"
            )
            gone = set(missing_stations)
            addresses = [replace(a, station_code="") if a.station_code in gone else a for a in addresses]
        if self.truncated:
            self.warnings.append(f"{self.truncated} address(es) had a line longer than 100 characters (cut to 100)")
        if any("[TESTING]" in place.name for place in self.places.values()):
            self.warnings.append("Polling place names carry [TESTING] markers: this looks like a test export")
        return ParsedImport(
            format=fmt,
            encoding=encoding,
            delimiter=delimiter,
            files=files,
            districts=dict(sorted(self.districts.items())),
            places=self.places,
            stations=stations,
            addresses=addresses,
            skipped=sorted(self.skipped, key=lambda s: s.row),
            warnings=self.warnings,
        )


def _rows(detected: Detected, collect: Collector, read_row: Callable[[int, Getter], None], na: bool = False) -> None:
    table = detected.table
    index = column_index(table)
    for number, record in table.records():
        try:
            read_row(number, getter(index, record, na_is_blank=na))
        except ValueError as exc:
            raise ImportFileError(detected.file, f"Malformed row {number}: {exc}") from exc


# --- Civica Xpress ---------------------------------------------------------------------------


def read_xpress_dc(detected: Detected, collect: Collector) -> None:
    """Xpress "DemocracyClub" export, 38-column (fused duplicate header) and 24-column layouts.

    Only the first header block is read by name; in the 38-column layout the second block
    adds ``Polling_Place_District_Reference`` and ends with ``Polling_Place_UPRN``.
    """

    def read_row(row: int, get: Getter) -> None:
        code = get("polling_place_id")
        district = collect.district(get("polling_place_district_reference"))
        if code and code not in collect.places:  # the first row naming a place describes it
            address = [get(f"polling_place_address_{i}") for i in range(1, 5)]
            postcode = clean_postcode(get("polling_place_postcode"))
            if not postcode:  # the "inconsistent postcodes" councils put it in address line 4 or 3
                for i in (3, 2):
                    if looks_like_postcode(address[i]):
                        postcode, address[i] = clean_postcode(address[i]), ""
                        break
            easting, northing = grid_point(get("polling_place_easting"), get("polling_place_northing"))
            collect.place(
                PlaceRecord(
                    code=code,
                    name=get("polling_place_name") or code,
                    lines=lines_of(address, PLACE_LINES),
                    postcode=postcode,
                    uprn=parse_uprn(get("polling_place_uprn"))[0],
                    easting=easting,
                    northing=northing,
                )
            )
            collect.station(StationRecord(code=code, place_code=code))
        collect.link(code, district)
        collect.address(
            row,
            get("property_urn"),
            [get(f"addressline{i}") for i in range(1, 6)],
            get("addressline6"),  # the postcode, by the export's convention; blank → skipped
            station_code=code,
            district_code=district,
        )

    _rows(detected, collect, read_row)


def read_xpress_weblookup(detected: Detected, collect: Collector) -> None:
    def read_row(row: int, get: Getter) -> None:
        code = get("pollingplaceid")
        district = collect.district(get("pollingdistrictreference"))
        if code and code not in collect.places:
            easting, northing = grid_point(get("pollingplaceeasting"), get("pollingplacenorthing"))
            collect.place(
                PlaceRecord(
                    code=code,
                    name=get("pollingplaceaddress1") or code,
                    lines=lines_of([get(f"pollingplaceaddress{i}") for i in range(2, 7)], PLACE_LINES),
                    postcode=clean_postcode(get("pollingplaceaddress7")),
                    easting=easting,
                    northing=northing,
                )
            )
            collect.station(StationRecord(code=code, place_code=code))
        collect.link(code, district)
        number, street = get("propertynumber"), get("streetname")
        first_line = street if number in ("", "0") else f"{number} {street}"
        collect.address(row, get("uprn"), [first_line], get("postcode"), station_code=code, district_code=district)

    _rows(detected, collect, read_row)


# --- Idox Eros (Halarose) --------------------------------------------------------------------


def idox_station_code(number: str, name: str) -> str:
    """Station key: number + "-" + slugified name (first 90 characters): one venue, several stations."""
    return f"{number}-{slugify(name[:90])}"


def read_idox_eros(detected: Detected, collect: Collector) -> None:
    """Pre-2026 layout (19 columns, or 21 with venue easting/northing); ``n/a`` means blank."""

    def read_row(row: int, get: Getter) -> None:
        number, name = get("pollingstationnumber"), get("pollingstationname")
        code = ""
        if number and name:
            code = idox_station_code(number, name)
            postcode = clean_postcode(get("pollingstationpostcode"))
            place_code = slugify(f"{name[:80]} {postcode}")
            easting, northing = grid_point(get("pollingvenueeasting"), get("pollingvenuenorthing"))
            collect.place(
                PlaceRecord(
                    code=place_code,
                    name=name,
                    lines=lines_of([get(f"pollingstationaddress_{i}") for i in range(1, 6)], PLACE_LINES),
                    postcode=postcode,
                    easting=easting,
                    northing=northing,
                )
            )
            collect.station(StationRecord(code=code, place_code=place_code, number=number))
        street = get("streetname")
        if street.lower() in IDOX_PSEUDO_STREETS:
            collect.skip(row, f"pseudo-address '{street}'")
            return
        house_number, sub_street = get("housenumber"), get("substreetname")
        street_number = get("streetnumber")
        if sub_street:
            lines = [get("housename"), f"{house_number} {sub_street}", f"{street_number} {street}"]
        else:
            lines = [get("housename"), f"{street_number or house_number} {street}"]
        lines += [get("locality"), get("town"), get("adminarea")]
        collect.address(row, get("uprn"), lines, get("housepostcode"), station_code=code)

    _rows(detected, collect, read_row, na=True)


def read_idox_eros_2026(detected: Detected, collect: Collector) -> None:
    """February 2026 layout (22 columns); station number ``n/a`` = no station assigned."""

    def read_row(row: int, get: Getter) -> None:
        district = collect.district(get("pollingdistrictid"), get("pollingdistrictname"))
        number, name = get("pollingstationnumber"), get("pollingstationname")
        code = ""
        if number and number.lower() != "n/a" and name:
            code = idox_station_code(number, name)
            place_code = get("pollingvenueid") or slugify(f"{name[:80]} {get('pollingstationpostcode')}")
            easting, northing = grid_point(get("pollingvenueeasting"), get("pollingvenuenorthing"))
            collect.place(
                PlaceRecord(
                    code=place_code,
                    name=name,
                    lines=lines_of([get(f"pollingstationaddress{i}") for i in range(1, 6)], PLACE_LINES),
                    postcode=clean_postcode(get("pollingstationpostcode")),
                    uprn=parse_uprn(get("pollingvenueuprn"))[0],
                    easting=easting,
                    northing=northing,
                )
            )
            collect.station(StationRecord(code=code, place_code=place_code, number=number))
            collect.link(code, district)
        collect.address(
            row,
            get("uprn"),
            [get(f"addressline{i}") for i in range(1, 6)],
            get("postcode"),
            station_code=code,
            district_code=district,
        )

    _rows(detected, collect, read_row)


# --- Democracy Counts ------------------------------------------------------------------------


def dcounts_district(station_code: str) -> tuple[str, str]:
    """``B1/1`` → district ``B1``, station number ``1``; a code without ``/`` names no district."""
    if "/" in station_code:
        district, number = station_code.split("/", 1)
        return district.strip(), number.strip()
    return "", station_code


def _is_dcounts_dummy(get: Getter) -> bool:
    if clean_postcode(get("postcode")) == DC_DUMMY_POSTCODE:
        return True
    return any("dummy record" in get(f"add{i}").lower() for i in range(1, 7))


def read_dcounts_stations(detected: Detected, collect: Collector) -> None:
    """Stations file: 11 columns, or the 12-column single-file variant with ``PollingStationID``."""

    def read_row(row: int, get: Getter) -> None:
        code = get("stationcode")
        if not code or _is_dcounts_dummy(get):
            return
        name = get("placename") or code
        postcode = clean_postcode(get("postcode"))
        easting, northing = grid_point(get("xordinate"), get("yordinate"))
        place_code = slugify(f"{name[:80]} {postcode}") or code
        collect.place(
            PlaceRecord(
                code=place_code,
                name=name,
                lines=lines_of([get(f"add{i}") for i in range(1, 7)], PLACE_LINES),
                postcode=postcode,
                easting=easting,
                northing=northing,
            )
        )
        district, number = dcounts_district(code)
        district = collect.district(district)
        collect.station(StationRecord(code=code, place_code=place_code, number=number, district_code=district))

    _rows(detected, collect, read_row)


def read_dcounts_addresses(detected: Detected, collect: Collector) -> None:
    def read_row(row: int, get: Getter) -> None:
        if _is_dcounts_dummy(get):
            collect.skip(row, "dummy record")
            return
        code = get("stationcode")
        district = collect.district(dcounts_district(code)[0]) if code else ""
        easting, northing = grid_point(get("xordinate"), get("yordinate"))
        collect.address(
            row,
            get("uprn"),
            [get(f"add{i}") for i in range(1, 7)],
            get("postcode"),
            station_code=code,
            district_code=district,
            easting=easting,
            northing=northing,
        )

    _rows(detected, collect, read_row)


# --- FCS ElectionsPro and EONI ---------------------------------------------------------------


def read_fcs(detected: Detected, collect: Collector) -> None:
    """A JSON list of stations, each with its properties and polling districts (WGS84)."""
    for position, item in enumerate(detected.table.document, start=1):
        place_code, code = clean(item["id"]), clean(item["stationId"])
        if not place_code or not code:
            raise ImportFileError(detected.file, f"Malformed FCS file: station {position} has no id or stationId")
        latitude, longitude = wgs84_point(item["latitude"], item["longitude"])
        collect.place(
            PlaceRecord(
                code=place_code,
                name=clean(item["name"]) or code,
                lines=lines_of([item[f"addressLine{i}"] for i in range(1, 6)], PLACE_LINES),
                postcode=clean_postcode(item["addressPostCode"]),
                uprn=parse_uprn(item["addressUprn"])[0],
                latitude=latitude,
                longitude=longitude,
            )
        )
        collect.station(StationRecord(code=code, place_code=place_code))
        districts = []
        for district in item["pollingDistricts"]:
            try:
                districts.append(collect.district(clean(district["id"]), clean(district["name"])))
            except ValueError as exc:
                raise ImportFileError(detected.file, f"Malformed FCS file: station {position}: {exc}") from exc
        for district_code in districts:
            collect.link(code, district_code)
        only_district = districts[0] if len(districts) == 1 else ""
        for index, prop in enumerate(item["properties"], start=1):
            before = len(collect.skipped)
            collect.address(
                position,
                prop["addressUprn"],
                [prop[f"addressLine{i}"] for i in range(1, 6)],
                prop["addressPostCode"],
                station_code=code,
                district_code=only_district,
            )
            if len(collect.skipped) > before:  # name the property within the station
                last = collect.skipped.pop()
                collect.skip(position, f"property {index}: {last.reason}")


def read_eoni(detected: Detected, collect: Collector) -> None:
    """EONI: one row per property with its premises (station); WGS84 ``*_X_4326``/``*_Y_4326``."""

    def read_row(row: int, get: Getter) -> None:
        code = get("prem_id")
        if code and code not in collect.places:
            latitude, longitude = wgs84_point(get("prem_y_4326"), get("prem_x_4326"))
            collect.place(
                PlaceRecord(
                    code=code,
                    name=get("prem_name") or code,
                    lines=lines_of(get("prem_fulladdress").split(","), PLACE_LINES),
                    postcode=clean_postcode(get("prem_postcode")),
                    latitude=latitude,
                    longitude=longitude,
                )
            )
            collect.station(StationRecord(code=code, place_code=code))
        latitude, longitude = wgs84_point(get("pro_y_4326"), get("pro_x_4326"))
        collect.address(
            row,
            get("pro_uprn"),
            get("pro_fulladdress").split(","),
            get("pro_postcode"),
            station_code=code,
            latitude=latitude,
            longitude=longitude,
        )

    _rows(detected, collect, read_row)


READERS: dict[str, Callable[[Detected, Collector], None]] = {
    FORMAT_XPRESS_DC: read_xpress_dc,
    FORMAT_XPRESS_WEBLOOKUP: read_xpress_weblookup,
    FORMAT_IDOX_EROS: read_idox_eros,
    FORMAT_IDOX_EROS_2026: read_idox_eros_2026,
    FORMAT_FCS: read_fcs,
    FORMAT_EONI: read_eoni,
}


# --- the entry point -------------------------------------------------------------------------


def _read_dcounts(found: list[Detected]) -> ParsedImport:
    by_role: dict[str, Detected] = {}
    for detected in found:
        if detected.role in by_role:
            raise ImportFileError(
                detected.file,
                f"Democracy Counts needs one stations file and one districts file; this is a second {detected.role} "
                f"file (the first is {by_role[detected.role].file})",
            )
        by_role[detected.role] = detected
    stations = by_role.get(ROLE_STATIONS)
    addresses = by_role.get(ROLE_ADDRESSES)
    if stations is None:
        assert addresses is not None
        raise ImportFileError(
            addresses.file,
            "Democracy Counts needs two files: this is the districts (addresses) file; "
            "give the polling stations file as well",
        )
    collect = Collector()
    read_dcounts_stations(stations, collect)
    files = [stations.file]
    complete = addresses is not None
    if addresses is not None:
        read_dcounts_addresses(addresses, collect)
        files.append(addresses.file)
    parsed = collect.finish(FORMAT_DEMOCRACY_COUNTS, stations.table.encoding, stations.table.delimiter, files)
    if addresses is not None and (addresses.table.encoding, addresses.table.delimiter) != (
        stations.table.encoding,
        stations.table.delimiter,
    ):
        parsed.warnings.append(
            f"The districts file is {addresses.table.encoding}, delimiter {addresses.table.delimiter!r} "
            f"(the stations file's encoding and delimiter are reported)"
        )
    if not complete:
        parsed.complete = False
        parsed.warnings.insert(
            0,
            f"Democracy Counts districts file missing: {stations.file} holds stations only, "
            "so no properties or allocations can be imported",
        )
    return parsed


def read_polling_data(paths: Sequence[str | Path]) -> ParsedImport:
    """Read one export (or the two Democracy Counts files, in either order) into records."""
    if not paths:
        raise ValueError("No file given")
    if len(paths) > 2:
        raise ImportFileError(str(paths[2]), "Too many files: give one export, or two for Democracy Counts")
    found = [read_export(path) for path in paths]
    dcounts = [d for d in found if d.format == FORMAT_DEMOCRACY_COUNTS]
    if dcounts:
        others = [d for d in found if d.format != FORMAT_DEMOCRACY_COUNTS]
        if others:
            raise ImportFileError(
                others[0].file, f"Is a {others[0].format} export, but {dcounts[0].file} is Democracy Counts"
            )
        return _read_dcounts(found)
    if len(found) == 2:
        raise ImportFileError(
            found[1].file, f"Only Democracy Counts exports come in two files; {found[0].file} is {found[0].format}"
        )
    detected = found[0]
    collect = Collector()
    READERS[detected.format](detected, collect)
    table = detected.table
    return collect.finish(detected.format, table.encoding, table.delimiter, [detected.file])
