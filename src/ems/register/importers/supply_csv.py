"""Read a register supply CSV (the layout ems.register.exporters.supply_csv writes).

Every row is checked before anything is written; the first problem refuses the whole file
with one line naming the file, row (the header is row 1) and problem.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, NamedTuple

from ems.register.exporters.supply_csv import SUPPLY_COLUMNS
from ems_rules.postcode import normalise_postcode

_DATE_RE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
_MARKERS_RE = re.compile(r"^[A-Z]{0,6}$")


class SupplyFileError(ValueError):
    """A supply file that cannot be loaded; the message is one line for the officer."""


class SupplyRow(NamedTuple):
    """One elector of the file, checked. A named tuple: a million of them are built per load."""

    row: int
    district: str
    number: int
    suffix: int
    markers: str
    attainer_date: dt.date | None
    date_of_birth: dt.date | None
    surname: str
    first_names: str
    postcode: str
    address: tuple[str, str, str, str, str, str]
    uprn: int | None
    anonymous: bool


# Neighbours share postcodes: a register has about one postcode for every 15 electors.
_postcode = functools.lru_cache(maxsize=65536)(normalise_postcode)


def _open_text(path: Path) -> IO[str]:
    """The file as text, decoded as it is read (UTF-16 by its byte-order mark, else UTF-8,
    else Windows-1252, else Latin-1). The whole file is decoded once to choose, then streamed."""
    data = path.read_bytes()
    if not data.strip():
        raise SupplyFileError(f"{path.name}: the file is empty")
    encoding = "latin-1"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        for candidate in ("utf-8-sig", "cp1252"):
            try:
                data.decode(candidate)
            except UnicodeDecodeError:
                continue
            encoding = candidate
            break
    del data
    return path.open(encoding=encoding, newline="")


def _parse_date(raw: str, path: Path, row: int, what: str) -> dt.date:
    try:
        return dt.datetime.strptime(raw, "%d/%m/%Y").date()
    except ValueError:
        raise SupplyFileError(f"{path.name}: row {row}: {what} {raw!r} is not a date (DD/MM/YYYY)") from None


def read_supply_csv(path: Path) -> list[SupplyRow]:
    with _open_text(path) as handle:
        return _read_rows(path, csv.reader(handle))


def _read_rows(path: Path, reader: Iterator[list[str]]) -> list[SupplyRow]:
    header = [h.strip() for h in next(reader, [])]
    if [h.lower() for h in header] != [c.lower() for c in SUPPLY_COLUMNS]:
        raise SupplyFileError(
            f"{path.name}: row 1: not a register supply file; expected the columns {', '.join(SUPPLY_COLUMNS)}"
        )
    rows: list[SupplyRow] = []
    seen: set[tuple[str, int, int]] = set()
    for number, raw in enumerate(reader, start=2):
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue
        if len(cells) != len(SUPPLY_COLUMNS):
            expected = len(SUPPLY_COLUMNS)
            raise SupplyFileError(
                f"{path.name}: Incomplete file: expected {expected} columns on row {number}, found {len(cells)}"
            )
        prefix, elector_no, suffix, markers, dob, name, postcode, a1, a2, a3, a4, a5, a6, uprn = cells
        if not prefix or len(prefix) > 10:
            raise SupplyFileError(f"{path.name}: row {number}: missing or over-long Elector Number Prefix")
        if not elector_no.isdigit() or int(elector_no) == 0:
            raise SupplyFileError(f"{path.name}: row {number}: Elector Number {elector_no!r} is not a positive number")
        suffix_value = int(suffix) if suffix.isdigit() else (0 if suffix == "" else -1)
        if suffix_value < 0:
            raise SupplyFileError(f"{path.name}: row {number}: Elector Number Suffix {suffix!r} is not a number")
        key = (prefix, int(elector_no), suffix_value)
        if key in seen:
            raise SupplyFileError(f"{path.name}: row {number}: elector number {prefix}-{elector_no} appears twice")
        seen.add(key)
        letters, attainer = [], None
        for token in markers.split():
            if _DATE_RE.match(token):
                attainer = _parse_date(token, path, number, "attainer date")
            elif _MARKERS_RE.match(token):
                letters.append(token)
            else:
                raise SupplyFileError(f"{path.name}: row {number}: Elector Markers {markers!r} not understood")
        marker_text = "".join(letters)
        anonymous = "N" in marker_text and not name
        if not anonymous and not name:
            raise SupplyFileError(f"{path.name}: row {number}: Elector Name is empty")
        surname, _, first = name.partition(",")
        if uprn and (not uprn.isdigit() or len(uprn.lstrip("0")) > 12):
            raise SupplyFileError(f"{path.name}: row {number}: UPRN {uprn!r} is not a number of up to 12 digits")
        normalised = _postcode(postcode) if postcode else ""
        if postcode and normalised is None:
            raise SupplyFileError(f"{path.name}: row {number}: PostCode {postcode!r} is not a valid UK postcode")
        rows.append(
            SupplyRow(
                row=number,
                district=prefix,
                number=int(elector_no),
                suffix=suffix_value,
                markers=marker_text,
                attainer_date=attainer,
                date_of_birth=_parse_date(dob, path, number, "Elector DOB") if dob else None,
                surname=surname.strip() if not anonymous else "Anonymous entry",
                first_names=first.strip(),
                postcode=normalised or "",
                address=(a1, a2, a3, a4, a5, a6),
                uprn=int(uprn) if uprn else None,
                anonymous=anonymous,
            )
        )
    if not rows:
        raise SupplyFileError(f"{path.name}: the file has a header but no electors")
    return rows
