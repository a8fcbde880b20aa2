"""What both readers produce: one :class:`PropertyRecord` per UPRN, plus the shared rules.

**Status rules** (``derive_status``), applied in this order:

1. *Demolished*: the BLPU no longer exists — BLPU ``STATE`` / ``BLPU_STATE`` = 4 ("no longer
   existing"), or (DTF) ``LOGICAL_STATUS`` = 8 ("historical"). Codes: GeoPlace/OS BLPU state
   and logical status code lists (AddressBase Plus/Premium technical specifications; the same
   code lists appear in GeoPlace's DTF 8.1 and in Idox iManage's published code tables).
2. *Residential* when the AddressBase classification code denotes somewhere people live:
   ``R`` (residential, not further classified), ``RD*`` (dwelling), ``RH*`` (house in multiple
   occupation), ``RI*`` (residential institution: care homes, halls), and ``X`` (dual use,
   e.g. a flat over a shop). ``RB`` (ancillary building), ``RC`` (car park space) and ``RG``
   (garage) are R-class but nobody lives in them, so they are *non-residential*. Source: the
   AddressBase classification scheme (OS/GeoPlace), domain spec registration.md §11.
3. *Empty*: a residential BLPU whose state is 3 ("unoccupied / vacant / derelict").
4. Everything else is *non-residential* (commercial, land, objects, parent shells ``PP``…).
   A record with no classification at all is treated as residential: for an electoral
   register, hiding a dwelling from the canvass is worse than listing a shed.

**Retirement.** A record is *retiring* when the gazetteer says the address has gone: an
AddressBase change-only row with ``CHANGE_TYPE`` = ``D``, a DTF BLPU with ``CHANGE_TYPE`` =
``D``, or a DTF BLPU whose logical status is 8 (historical) or 7/9 (rejected). The apply
step sets ``retired_at`` on the matching property; it never deletes one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ems_rules.postcode import normalise_postcode

MAX_UPRN_DIGITS = 12
MAX_LINES = 6
MAX_LINE_LENGTH = 100

RESIDENTIAL = "residential"
EMPTY = "empty"
NON_RESIDENTIAL = "non_residential"
DEMOLISHED = "demolished"

# BLPU state (AddressBase STATE, DTF BLPU_STATE) and logical status codes used in the rules.
BLPU_STATE_UNOCCUPIED = "3"
BLPU_STATE_NO_LONGER_EXISTING = "4"
LOGICAL_STATUS_HISTORICAL = "8"
LOGICAL_STATUS_REJECTED = {"7", "9"}
LIVING_SPACE = ("RD", "RH", "RI")


class GazetteerError(ValueError):
    """Bad input: one line naming the file, the line and the problem."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")


@dataclass(slots=True)
class PropertyRecord:
    """One UPRN as the gazetteer describes it, in ``Property`` field terms."""

    uprn: int
    lines: tuple[str, ...] = ()
    postcode: str = ""
    parent_uprn: int | None = None
    easting: float | None = None
    northing: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    classification: str = ""
    status: str = RESIDENTIAL
    usrn: int | None = None
    source_updated: dt.date | None = None
    retiring: bool = False
    skip: str = ""  # non-empty: not a property (e.g. a street record); the reason
    warnings: list[str] = field(default_factory=list)

    def field_values(self) -> dict[str, Any]:
        """The ``Property`` fields this record sets (not ``source``/``retired_at``)."""
        lines = [*self.lines, *[""] * MAX_LINES][:MAX_LINES]
        return {
            "parent_uprn": self.parent_uprn,
            "address_1": lines[0],
            "address_2": lines[1],
            "address_3": lines[2],
            "address_4": lines[3],
            "address_5": lines[4],
            "address_6": lines[5],
            "postcode": self.postcode,
            "easting": self.easting,
            "northing": self.northing,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "classification": self.classification,
            "status": self.status,
            "usrn": self.usrn,
            "source_updated": self.source_updated,
        }


# ---- field parsers: each raises ValueError with a short problem text ---------------------------
def parse_uprn(raw: str, name: str = "UPRN") -> int:
    text = raw.strip()
    if not text.isdigit():
        raise ValueError(f"{name} must be a whole number of up to {MAX_UPRN_DIGITS} digits, not {raw!r}")
    stripped = text.lstrip("0") or "0"
    if len(stripped) > MAX_UPRN_DIGITS:
        raise ValueError(f"{name} {text} has more than {MAX_UPRN_DIGITS} digits")
    value = int(stripped)
    if value == 0:
        raise ValueError(f"{name} must not be zero")
    return value


def parse_optional_uprn(raw: str, name: str) -> int | None:
    return parse_uprn(raw, name) if raw.strip() else None


def parse_optional_int(raw: str, name: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


def parse_optional_float(raw: str, name: str, digits: int) -> float | None:
    text = raw.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{name} must be a finite number, not {raw!r}")
    return round(value, digits)


def parse_optional_date(raw: str, name: str) -> dt.date | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name} must be a date like 2024-03-31, not {raw!r}") from None


def grid_or_none(easting: float | None, northing: float | None) -> tuple[float | None, float | None]:
    """Easting/northing 0 means "unknown" in council exports (registration.md §12.1)."""
    if not easting or not northing:
        return None, None
    return easting, northing


# ---- rules ---------------------------------------------------------------------------------------
def derive_status(classification: str, blpu_state: str, logical_status: str = "") -> str:
    """Property status from classification, BLPU state and logical status (see module doc)."""
    if blpu_state.strip() == BLPU_STATE_NO_LONGER_EXISTING or logical_status.strip() == LOGICAL_STATUS_HISTORICAL:
        return DEMOLISHED
    code = classification.strip().upper()
    residential = not code or code == "R" or code.startswith((*LIVING_SPACE, "X"))
    if not residential:
        return NON_RESIDENTIAL
    if blpu_state.strip() == BLPU_STATE_UNOCCUPIED:
        return EMPTY
    return RESIDENTIAL


def is_street_record(classification: str) -> bool:
    """AddressBase class ``PS`` is a street record, not a property."""
    return classification.strip().upper().startswith("PS")


def number_range(start: str, start_suffix: str, end: str, end_suffix: str) -> str:
    """BS 7666 number range: ``14``, ``14A``, ``14-16``, ``14A-14C``."""
    first = f"{start.strip()}{start_suffix.strip()}"
    last = f"{end.strip()}{end_suffix.strip()}"
    if first and last:
        return f"{first}-{last}"
    return first or last


def _clean(value: str) -> str:
    return " ".join(value.split())


def lpi_lines(
    *,
    organisation: str = "",
    sao_text: str,
    sao_number: str,
    pao_text: str,
    pao_number: str,
    street: str,
    locality: str,
    town: str,
    post_town: str = "",
) -> list[str]:
    """A geographic (BS 7666 LPI) address as lines, organisation first, town last.

    ``FLAT 2`` / ``ROSE COURT`` / ``14 HIGH STREET`` / locality / town. The PAO number goes in
    front of the street. An SAO number goes in front of the PAO text (``2 ROSE COURT``); with
    no PAO text it gets a line of its own, so ``2`` and ``14`` never run together.
    """
    lines: list[str] = []
    for part in (organisation, sao_text):
        if _clean(part):
            lines.append(_clean(part))
    sao_number, pao_number = _clean(sao_number), _clean(pao_number)
    if _clean(pao_text):
        lines.append(_clean(f"{sao_number} {pao_text}") if sao_number else _clean(pao_text))
    elif sao_number:
        lines.append(sao_number)
    street = _clean(street)
    if street:
        lines.append(f"{pao_number} {street}" if pao_number else street)
    elif pao_number:
        lines.append(pao_number)
    for area in (locality, town, post_town):
        if _clean(area):
            lines.append(_clean(area))
    return lines


def dpa_lines(
    *,
    department: str,
    organisation: str,
    sub_building: str,
    building_name: str,
    building_number: str,
    po_box: str,
    dependent_thoroughfare: str,
    thoroughfare: str,
    double_dependent_locality: str,
    dependent_locality: str,
    post_town: str,
) -> list[str]:
    """A Royal Mail (PAF) delivery point address as lines, post town last.

    The building number goes in front of the first thoroughfare (dependent thoroughfare,
    else thoroughfare), or of the first locality when there is no thoroughfare.
    """
    lines = [_clean(v) for v in (department, organisation, sub_building, building_name)]
    if _clean(po_box):
        lines.append(f"PO BOX {_clean(po_box)}")
    number = _clean(building_number)
    rest = [_clean(v) for v in (dependent_thoroughfare, thoroughfare, double_dependent_locality, dependent_locality)]
    for index, value in enumerate(rest):
        if value and number:
            rest[index] = f"{number} {value}"
            number = ""
            break
    if number:
        lines.append(number)
    lines.extend(rest)
    lines.append(_clean(post_town))
    return [line for line in lines if line]


def fit_lines(lines: list[str], warnings: list[str]) -> tuple[str, ...]:
    """At most six lines of at most 100 characters; drops repeats; joins the first lines if needed.

    Repeats (case-insensitive, e.g. a locality equal to the town) are dropped. More than six
    lines are joined, from the top, with ", " so the town stays last. Over-long lines are cut
    with a warning, never silently.
    """
    unique: list[str] = []
    for line in lines:
        if line and (not unique or all(line.upper() != seen.upper() for seen in unique)):
            unique.append(line)
    while len(unique) > MAX_LINES:
        unique[0:2] = [f"{unique[0]}, {unique[1]}"]
    fitted = []
    for line in unique:
        if len(line) > MAX_LINE_LENGTH:
            warnings.append(f"address line cut to {MAX_LINE_LENGTH} characters: {line!r}")
            line = line[:MAX_LINE_LENGTH].rstrip()
        fitted.append(line)
    return tuple(fitted)


def postcode_or_blank(raw: str, warnings: list[str]) -> str:
    if not raw.strip():
        return ""
    normalised = normalise_postcode(raw)
    if normalised is None:
        warnings.append(f"invalid postcode {raw.strip()!r} left blank")
        return ""
    return normalised
