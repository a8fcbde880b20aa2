"""Recognise an EMS export: its encoding, delimiter, header and format. Pure functions, no database.

The reading rules follow ``shared/domain/ems-export-formats.md`` §4.0: header names are
normalised (strip, lower-case, space/-/./slash/backslash → ``_``, parentheses dropped, ``__``
collapsed); the encoding is sniffed (BOM, UTF-16LE by its NUL bytes, then UTF-8, Windows-1252,
Latin-1); the delimiter is chosen between comma and tab from the header line, because file
extensions lie (``.csv`` files full of tabs, ``.tsv`` files full of commas).

Row numbers count records with the header as row 1, so the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .records import (
    FORMAT_DEMOCRACY_COUNTS,
    FORMAT_EONI,
    FORMAT_FCS,
    FORMAT_IDOX_EROS,
    FORMAT_IDOX_EROS_2026,
    FORMAT_LABELS,
    FORMAT_XPRESS_DC,
    FORMAT_XPRESS_WEBLOOKUP,
    ImportFileError,
)

ROLE_ALL = "all"
ROLE_STATIONS = "stations"
ROLE_ADDRESSES = "addresses"  # Democracy Counts calls this the "Polling Districts" file

FCS_STATION_KEYS = frozenset(
    {
        "id",
        "stationId",
        "name",
        "addressLine1",
        "addressLine2",
        "addressLine3",
        "addressLine4",
        "addressLine5",
        "addressPostCode",
        "addressUprn",
        "latitude",
        "longitude",
        "defaultStationId",
        "properties",
        "pollingDistricts",
    }
)
FCS_PROPERTY_KEYS = frozenset(
    {"addressLine1", "addressLine2", "addressLine3", "addressLine4", "addressLine5", "addressPostCode", "addressUprn"}
)
FCS_DISTRICT_KEYS = frozenset({"id", "name"})

# Columns each format cannot do without (normalised names). Others are read when present.
REQUIRED_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    (FORMAT_XPRESS_DC, ROLE_ALL): (
        "property_urn",
        "addressline1",
        "addressline6",
        "polling_place_id",
        "polling_place_name",
        "polling_place_postcode",
    ),
    (FORMAT_XPRESS_WEBLOOKUP, ROLE_ALL): (
        "propertynumber",
        "streetname",
        "postcode",
        "pollingdistrictreference",
        "pollingplaceid",
        "pollingplaceaddress1",
        "pollingplaceaddress7",
        "uprn",
    ),
    (FORMAT_IDOX_EROS, ROLE_ALL): (
        "housename",
        "housenumber",
        "housepostcode",
        "uprn",
        "streetname",
        "pollingstationname",
        "pollingstationnumber",
        "pollingstationpostcode",
    ),
    (FORMAT_IDOX_EROS_2026, ROLE_ALL): (
        "uprn",
        "addressline1",
        "postcode",
        "pollingvenueid",
        "pollingstationname",
        "pollingstationnumber",
        "pollingstationpostcode",
        "pollingdistrictid",
    ),
    (FORMAT_DEMOCRACY_COUNTS, ROLE_STATIONS): (
        "add1",
        "postcode",
        "stationcode",
        "xordinate",
        "yordinate",
        "placename",
    ),
    (FORMAT_DEMOCRACY_COUNTS, ROLE_ADDRESSES): ("add1", "postcode", "stationcode", "uprn"),
    (FORMAT_EONI, ROLE_ALL): (
        "pro_uprn",
        "pro_fulladdress",
        "pro_postcode",
        "prem_id",
        "prem_name",
        "prem_fulladdress",
        "prem_postcode",
    ),
}

_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive (an .xlsx workbook or a zipped export?)",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old-style Office document (.xls?)",
    b"\x1f\x8b": "a gzip archive",
}


@dataclass
class Table:
    """A decoded export: header (normalised) and data rows, or a JSON document.

    The rows are parsed from ``text`` each time ``records()`` is called, rather than held, so a
    300,000-row export costs its text in memory, not a list of lists.
    """

    file: str
    encoding: str
    delimiter: str  # "" for JSON
    header: tuple[str, ...] = ()
    raw_header: tuple[str, ...] = ()  # as written in the file
    text: str = ""
    document: Any = None  # parsed JSON

    def column(self, name: str) -> int | None:
        try:
            return self.header.index(name)
        except ValueError:
            return None

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """``(row number, values)`` for each data row, as wide as the header.

        Blank lines are skipped. A shorter row means a truncated file; a longer one is allowed
        only if the extra values are blank (a trailing delimiter).
        """
        width = len(self.header)
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        try:
            for number, record in enumerate(reader, start=1):
                if number == 1 or not record or (len(record) == 1 and not record[0].strip()):
                    continue
                if len(record) < width:
                    raise ImportFileError(
                        self.file, f"Incomplete file: expected {width} columns on row {number}, found {len(record)}"
                    )
                if len(record) > width:
                    if any(value.strip() for value in record[width:]):
                        raise ImportFileError(
                            self.file, f"Malformed file: expected {width} columns on row {number}, found {len(record)}"
                        )
                    record = record[:width]
                yield number, record
        except csv.Error as exc:
            raise ImportFileError(self.file, f"Malformed CSV on row {reader.line_num}: {exc}") from exc


@dataclass
class Detected:
    format: str
    role: str
    table: Table

    @property
    def file(self) -> str:
        return self.table.file


def normalise_header(name: str) -> str:
    """``Polling_Place_Id`` → ``polling_place_id``; ``Polling Place (Name)`` → ``polling_place_name``."""
    cleaned = name.strip().lower()
    for char in (" ", "-", ".", "/", "\\"):
        cleaned = cleaned.replace(char, "_")
    cleaned = cleaned.replace("(", "").replace(")", "")
    while "__" in cleaned:
        cleaned = cleaned.replace("__", "_")
    return cleaned


def _looks_like_utf16(sample: bytes, zero_offset: int) -> bool:
    """Mostly-ASCII UTF-16 text: the high byte of each code unit is NUL, the low byte is not."""
    if len(sample) < 4:
        return False
    zeros = sample[zero_offset::2]
    others = sample[1 - zero_offset :: 2]
    return zeros.count(0) >= 0.7 * len(zeros) and others.count(0) <= 0.05 * len(others)


def sniff_encoding(data: bytes, file: str = "") -> tuple[str, str]:
    """Return ``(encoding name, decoded text)``; refuse binary files."""
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise ImportFileError(file, f"Not a CSV, TSV or JSON export: the file is {what}")
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return "utf-8-sig", data[3:].decode("utf-8")
        if data.startswith(b"\xff\xfe"):
            return "utf-16-le", data[2:].decode("utf-16-le")
        if data.startswith(b"\xfe\xff"):
            return "utf-16-be", data[2:].decode("utf-16-be")
        sample = data[:4096]
        if _looks_like_utf16(sample, zero_offset=1):
            return "utf-16-le", data.decode("utf-16-le")
        if _looks_like_utf16(sample, zero_offset=0):
            return "utf-16-be", data.decode("utf-16-be")
    except UnicodeDecodeError as exc:
        raise ImportFileError(file, f"Malformed text: not valid UTF-16 at byte {exc.start}") from exc
    if b"\x00" in sample:
        raise ImportFileError(file, "Not a CSV, TSV or JSON export: the file contains binary data")
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return "windows-1252", data.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1", data.decode("latin-1")


def sniff_delimiter(header_line: str) -> str:
    """Comma or tab, whichever separates more header fields (quoted text ignored)."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    return "\t" if unquoted.count("\t") > unquoted.count(",") else ","


def identify(header: Sequence[str]) -> tuple[str, str] | None:
    """The format and file role a normalised header belongs to, or ``None``."""
    if not header:
        return None
    columns = set(header)
    first = header[0]
    if first == "houseid":
        if "pollingdistrictid" in columns or "addressline1" in columns:
            return FORMAT_IDOX_EROS_2026, ROLE_ALL
        return FORMAT_IDOX_EROS, ROLE_ALL
    if first == "authoritycode":
        return FORMAT_XPRESS_WEBLOOKUP, ROLE_ALL
    if first == "electiondate":
        return FORMAT_XPRESS_DC, ROLE_ALL
    if "xordinate" in columns:
        return FORMAT_DEMOCRACY_COUNTS, (ROLE_ADDRESSES if "uprn" in columns else ROLE_STATIONS)
    if {"pro_uprn", "prem_id"} <= columns:
        return FORMAT_EONI, ROLE_ALL
    return None


def _describe_header(raw: Sequence[str]) -> str:
    shown = ", ".join(name.strip() for name in raw[:4])
    return shown + (", …" if len(raw) > 4 else "")


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a number" if isinstance(value, (int, float)) and not isinstance(value, bool) else "true/false"


def _read_json(text: str, file: str, encoding: str) -> Detected:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(file, f"Malformed JSON: {exc.msg} on line {exc.lineno}, column {exc.colno}") from exc
    if not isinstance(document, list):
        raise ImportFileError(
            file, f"Unrecognised JSON: expected a list of FCS polling stations, found {_json_kind(document)}"
        )
    if not document:
        raise ImportFileError(file, "No data: the JSON list is empty")
    for position, station in enumerate(document, start=1):
        if not isinstance(station, dict):
            raise ImportFileError(file, f"Unrecognised JSON: item {position} is not an object")
        missing = FCS_STATION_KEYS - set(station)
        if missing:
            if position == 1:
                raise ImportFileError(
                    file, f"Unrecognised JSON: item 1 lacks the FCS keys {', '.join(sorted(missing))}"
                )
            raise ImportFileError(file, f"Malformed FCS file: station {position} lacks {', '.join(sorted(missing))}")
        for key, required, what in (
            ("properties", FCS_PROPERTY_KEYS, "property"),
            ("pollingDistricts", FCS_DISTRICT_KEYS, "polling district"),
        ):
            items = station[key]
            if not isinstance(items, list):
                raise ImportFileError(file, f"Malformed FCS file: station {position} {key} is not a list")
            for index, item in enumerate(items, start=1):
                if not isinstance(item, dict) or required - set(item):
                    lacking = sorted(required - set(item)) if isinstance(item, dict) else ["(not an object)"]
                    raise ImportFileError(
                        file, f"Malformed FCS file: station {position} {what} {index} lacks {', '.join(lacking)}"
                    )
    table = Table(file=file, encoding=encoding, delimiter="", document=document)
    return Detected(format=FORMAT_FCS, role=ROLE_ALL, table=table)


def _read_header(text: str, file: str, encoding: str) -> Table:
    first_line = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    try:
        raw_header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error as exc:
        raise ImportFileError(file, f"Malformed CSV on row 1: {exc}") from exc
    while raw_header and not raw_header[-1].strip():
        raw_header.pop()  # a trailing delimiter on the header line
    header = tuple(normalise_header(name) for name in raw_header)
    return Table(
        file=file, encoding=encoding, delimiter=delimiter, header=header, raw_header=tuple(raw_header), text=text
    )


def read_export(path: str | Path, name: str | None = None) -> Detected:
    """Decode and recognise one export file; raise ``ImportFileError`` (one line) if it can't be used."""
    file = name or str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFileError(file, f"Cannot read the file: {exc.strerror or exc}") from exc
    return detect_bytes(data, file)


def detect_bytes(data: bytes, file: str) -> Detected:
    if not data.strip():
        raise ImportFileError(file, "Empty file")
    encoding, text = sniff_encoding(data, file)
    text = text.removeprefix("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        raise ImportFileError(file, "Empty file")
    is_json_name = file.lower().endswith(".json")
    if stripped[0] in "[{":
        return _read_json(stripped, file, encoding)
    table = _read_header(text, file, encoding)
    found = identify(table.header)
    if found is None:
        raw = table.raw_header
        if is_json_name:
            raise ImportFileError(file, "Malformed JSON: the file does not start with '[' or '{'")
        if len(table.header) < 3:
            raise ImportFileError(
                file, f"Unrecognised file: the header has {len(table.header)} column(s); no EMS export has fewer than 3"
            )
        raise ImportFileError(
            file, f"Unrecognised export: no known EMS layout has the header ({_describe_header(raw)})"
        )
    format_, role = found
    missing = [column for column in REQUIRED_COLUMNS[(format_, role)] if column not in table.header]
    if missing:
        raise ImportFileError(
            file, f"Malformed {FORMAT_LABELS[format_]} header: missing column(s) {', '.join(missing)}"
        )
    rows = 0
    for _ in table.records():  # read it all once now, so a truncated file is refused here
        rows += 1
    if not rows:
        raise ImportFileError(file, "No data: the file has a header but no rows")
    return Detected(format=format_, role=role, table=table)
