"""Print PDFs of the register and of notices of alteration, typeset with typst (ADR 0016).

The layout lives in ``templates/register.typ``; this module decides what is printed. All text
reaches typst as one JSON document in ``sys.inputs`` and the template shows each string as
plain text, so nothing an elector's name contains can be read as typst markup.

The printing rules (registration.md §1.1–§1.5):

- one part per polling district, each starting on a new page, entries in the order given
  (street order by elector number, as ``register_as_at`` returns them), grouped under their
  address;
- at the end of each part, under "Other electors": first the special category electors whose
  address is not shown, alphabetically by surname, with name and number only; then the
  anonymous electors, with **only** their number and the marker ``N``;
- the open register leaves out opted-out and anonymous electors (§1.5);
- nobody under 16 is printed in any version (§1.5).

This module must not import Django: it runs in print jobs and in ``bench/`` without settings.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import typst

from ems_rules.franchise import age_on

from .supply_csv import ADDRESS_WITHHELD, KINDS

TEMPLATE = Path(__file__).resolve().parent / "templates" / "register.typ"

# What may be published is decided once, in supply_csv (which, like this module, needs no Django):
# the kinds of output and the special categories printed without an address (registration.md §1.1).
__all__ = ["ADDRESS_WITHHELD", "KINDS", "register_pdf_data", "render_register_pdf"]

# registration.md §1.5: "the details of any person under 16 years old must not be included in
# any version of the published register" [S48][S22].
MINIMUM_PUBLISHED_AGE = 16

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ADDRESS_FIELDS = ("address_1", "address_2", "address_3", "address_4", "address_5", "address_6", "postcode")
_ALTERATION_SECTIONS = (("add", "Additions"), ("amend", "Amendments"), ("delete", "Deletions"))


def long_date(day: dt.date) -> str:
    """``1 December 2026``: the same in every locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _as_date(value: Any) -> dt.date | None:
    """A date from an entry: entries hold ISO strings (JSON), callers may pass dates."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def elector_number(entry: Mapping[str, Any]) -> str:
    """``AB-124`` or ``AB-124/1``: the suffix only when non-zero (registration.md §1.2)."""
    code = str(entry.get("polling_district_code") or "")
    number = f"{code}-{entry.get('elector_number', '')}"
    suffix = entry.get("elector_suffix") or 0
    return f"{number}/{suffix}" if suffix else number


def _number_key(entry: Mapping[str, Any]) -> tuple[int, int]:
    return int(entry.get("elector_number") or 0), int(entry.get("elector_suffix") or 0)


def is_anonymous(entry: Mapping[str, Any]) -> bool:
    """Anonymous by flag or by marker: either way nothing but the number may be printed."""
    return bool(entry.get("is_anonymous")) or "N" in str(entry.get("markers") or "").upper()


def address_withheld(entry: Mapping[str, Any]) -> bool:
    return str(entry.get("special_category") or "") in ADDRESS_WITHHELD


def _publishable(entry: Mapping[str, Any], as_at: dt.date) -> bool:
    born = _as_date(entry.get("date_of_birth"))
    return born is None or age_on(born, as_at) >= MINIMUM_PUBLISHED_AGE


def _markers(entry: Mapping[str, Any], as_at: dt.date) -> str:
    """Franchise markers, then the attainer's date (``12/03/2027``) while it is still to come."""
    parts = [str(entry.get("markers") or "").strip()]
    attains = _as_date(entry.get("attainer_date"))
    if attains is not None and attains > as_at:
        parts.append(attains.strftime("%d/%m/%Y"))
    return " ".join(p for p in parts if p)


def _name(entry: Mapping[str, Any]) -> str:
    surname = str(entry.get("surname") or "").strip()
    first = str(entry.get("first_names") or "").strip()
    return f"{surname}, {first}" if surname and first else surname or first


def _address(entry: Mapping[str, Any]) -> str:
    return ", ".join(s for s in (str(entry.get(f) or "").strip() for f in _ADDRESS_FIELDS) if s)


def _surname_key(entry: Mapping[str, Any]) -> tuple[str, str, tuple[int, int]]:
    return (
        str(entry.get("surname") or "").casefold(),
        str(entry.get("first_names") or "").casefold(),
        _number_key(entry),
    )


def _part_label(code: str, names: Mapping[str, str], entries: Iterable[Mapping[str, Any]]) -> str:
    name = names.get(code) or next(
        (str(e["polling_district_name"]) for e in entries if e.get("polling_district_name")), ""
    )
    return f"Polling district {code} – {name}" if name else f"Polling district {code}"


def _by_district(items: Iterable[tuple[str, Any]]) -> dict[str, list[Any]]:
    """Group by polling district code, keeping the order in which districts first appear."""
    grouped: dict[str, list[Any]] = {}
    for code, item in items:
        grouped.setdefault(code, []).append(item)
    return grouped


def _register_part(code: str, label: str, entries: list[Mapping[str, Any]], as_at: dt.date) -> dict[str, Any]:
    households: list[tuple[str, list[list[str]]]] = []
    special: list[Mapping[str, Any]] = []
    anonymous: list[Mapping[str, Any]] = []
    last_address: tuple[Any, str] | None = None
    for entry in entries:
        if is_anonymous(entry):
            anonymous.append(entry)
        elif address_withheld(entry):
            special.append(entry)
        else:
            address = _address(entry)
            key = (entry.get("property_id"), address)
            if key != last_address:
                households.append((address or "Address not recorded", []))
                last_address = key
            households[-1][1].append([elector_number(entry), _markers(entry, as_at), _name(entry)])
    special.sort(key=_surname_key)
    anonymous.sort(key=_number_key)
    return {
        "code": code,
        "label": label,
        "households": households,
        "special": [[elector_number(e), _markers(e, as_at), _name(e)] for e in special],
        # Anonymous entries: the elector number and "N", and nothing else (registration.md §1.1).
        "anonymous": [elector_number(e) for e in anonymous],
    }


def _notice_row(alteration: Mapping[str, Any], as_at: dt.date) -> list[str] | None:
    kind = alteration.get("kind")
    entry: Mapping[str, Any] = alteration.get("entry") or {}
    previous: Mapping[str, Any] = alteration.get("previous") or {}
    shown = previous if kind == "delete" and previous else entry
    if not _publishable(shown, as_at) or (previous and not _publishable(previous, as_at)):
        return None
    number = elector_number(shown)
    if kind == "amend" and previous and elector_number(previous) != number:
        number = f"{number} (was {elector_number(previous)})"
    if is_anonymous(shown) or (previous and is_anonymous(previous)):
        return [number, "N", "", ""]
    if kind == "delete":
        return [number, "", _name(shown), ""]
    address = "" if address_withheld(shown) else _address(shown)
    return [number, _markers(shown, as_at), _name(shown), address]


def _notice_parts(
    alterations: Sequence[Mapping[str, Any]], names: Mapping[str, str], as_at: dt.date, district_code: str | None
) -> list[dict[str, Any]]:
    def code_of(a: Mapping[str, Any]) -> str:
        entry = a.get("entry") or {}
        return str(entry.get("polling_district_code") or (a.get("previous") or {}).get("polling_district_code") or "")

    grouped = _by_district((code_of(a), a) for a in alterations)
    if district_code is not None:
        grouped = {district_code: grouped.get(district_code, [])}
    parts = []
    for code, items in grouped.items():
        sections = []
        for kind, heading in _ALTERATION_SECTIONS:
            rows = [row for a in items if a.get("kind") == kind and (row := _notice_row(a, as_at)) is not None]
            sections.append({"heading": heading, "rows": rows})
        label = _part_label(code, names, (a.get("entry") or a.get("previous") or {} for a in items))
        parts.append({"code": code, "label": label, "sections": sections})
    return parts


def register_pdf_data(
    *,
    entries: list[dict[str, Any]],
    authority_name: str,
    title: str,
    kind: str,
    as_at: dt.date,
    district_code: str | None = None,
    alterations: list[dict[str, Any]] | None = None,
    district_names: Mapping[str, str] | None = None,
    published: dt.date | None = None,
) -> dict[str, Any]:
    """The JSON document the template prints: every privacy rule is applied here."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    names = district_names or {}
    if kind == "notice":
        dateline = f"Published {long_date(published or as_at)}"
        if alterations is None:  # a bare list of entries on a notice: they are all additions
            alterations = [{"kind": "add", "entry": e} for e in entries]
        parts = _notice_parts(alterations, names, as_at, district_code)
    else:
        if published is None:
            dateline = f"Entries as at {long_date(as_at)}"
        elif published == as_at:
            dateline = f"Published {long_date(published)}"
        else:
            dateline = f"Published {long_date(published)} · entries as at {long_date(as_at)}"
        shown = [e for e in entries if _publishable(e, as_at)]
        if kind == "open":  # registration.md §1.5: opt-outs and anonymous electors are never in it
            shown = [e for e in shown if not e.get("open_register_opt_out") and not is_anonymous(e)]
        grouped = _by_district((str(e.get("polling_district_code") or ""), e) for e in shown)
        if district_code is not None:
            grouped = {district_code: grouped.get(district_code, [])}
        parts = [_register_part(code, _part_label(code, names, part), part, as_at) for code, part in grouped.items()]
    if not parts:
        empty = {"code": "", "label": "No entries", "households": [], "special": [], "anonymous": []}
        parts = [empty | {"sections": [{"heading": h, "rows": []} for _, h in _ALTERATION_SECTIONS]}]
    return {
        "kind": "notice" if kind == "notice" else "register",
        "authority": authority_name,
        "title": title,
        "dateline": dateline,
        "parts": parts,
    }


def render_register_pdf(
    *,
    entries: list[dict[str, Any]],
    authority_name: str,
    title: str,
    kind: str,
    as_at: dt.date,
    district_code: str | None = None,
    alterations: list[dict[str, Any]] | None = None,
    district_names: Mapping[str, str] | None = None,
    published: dt.date | None = None,
) -> bytes:
    """A4 print PDF of the register (``kind`` "full" or "open") or of a notice of alteration.

    ``entries`` are register entries as ``register_as_at`` returns them, in print order.
    ``district_code`` limits the PDF to one part. For ``kind="notice"``, ``alterations`` holds
    ``{"kind": "add" | "amend" | "delete", "entry": {...}, "previous": {...}}`` dicts (a deletion
    prints its ``previous`` entry). ``district_names`` maps codes to names for the part headings;
    ``published`` is the publication date printed in the heading. Only typst's embedded fonts are
    used, and the PDF's creation date is the publication date, so the same input gives the same bytes.
    """
    data = register_pdf_data(
        entries=entries,
        authority_name=authority_name,
        title=title,
        kind=kind,
        as_at=as_at,
        district_code=district_code,
        alterations=alterations,
        district_names=district_names,
        published=published,
    )
    day = published or as_at
    pdf = typst.compile(
        TEMPLATE,
        format="pdf",
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        timestamp=dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC),
    )
    if not isinstance(pdf, bytes):  # pragma: no cover - typst returns bytes when no output path is given
        raise TypeError("typst did not return PDF bytes")
    return pdf
