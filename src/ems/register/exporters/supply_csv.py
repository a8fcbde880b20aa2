"""The register supply CSV: the layout parties, candidates and credit reference agencies load.

Columns (registration.md §12.2 [C14][C16]): ``Elector Number Prefix, Elector Number, Elector
Number Suffix, Elector Markers, Elector DOB, Elector Name, PostCode, Address1 … Address6, UPRN``.

What may be published, whatever the entry holds:

- Anonymous electors appear only as their number and the marker ``N`` (RPA 1983 s.9B;
  registration.md §1.1, §3.4 [S7]), and never in the open register (§1.5 [S7]).
- The open register leaves out everyone who opted out (§1.5 [S2][S22]).
- Nobody under 16 on the publication date appears in any published version (§1.5–1.6 [S20][S48]).
- Overseas, service and declaration-of-local-connection electors are printed in "Other electors"
  with name and number but no address (§1.1 [S1][S5][S20]): their address columns stay empty.
- Elector DOB is given only for attainers, as in the supply extracts (§12.2; NFI "date of birth
  (attainers)" [S142]); everyone else's date of birth is never printed.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import IO, Any

from ems_rules.franchise import age_on

SUPPLY_COLUMNS = [
    "Elector Number Prefix",
    "Elector Number",
    "Elector Number Suffix",
    "Elector Markers",
    "Elector DOB",
    "Elector Name",
    "PostCode",
    "Address1",
    "Address2",
    "Address3",
    "Address4",
    "Address5",
    "Address6",
    "UPRN",
]
NOTICE_COLUMNS = ["Change", *SUPPLY_COLUMNS]
CHANGE_LABELS = {"add": "Addition", "amend": "Amendment", "delete": "Deletion"}
ADDRESS_WITHHELD = frozenset({"overseas", "service", "local_connection"})
KINDS = ("full", "open", "notice")


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def is_publishable(entry: dict[str, Any], kind: str, as_at: dt.date) -> bool:
    """Whether an entry may appear at all in this output."""
    dob = _date(entry.get("date_of_birth"))
    if dob is not None and age_on(dob, as_at) < 16:
        return False
    return not (kind == "open" and (entry.get("open_register_opt_out") or entry.get("is_anonymous")))


def supply_row(entry: dict[str, Any]) -> list[str]:
    """One CSV row for an entry, with everything the law withholds left out."""
    prefix = str(entry.get("polling_district_code") or "")
    number = str(entry.get("elector_number") or "")
    suffix = str(entry.get("elector_suffix") or 0)
    markers = str(entry.get("markers") or "")
    if entry.get("is_anonymous"):
        letters = "".join(sorted(set(markers.replace("N", "")))) + "N"
        return [prefix, number, suffix, letters, "", "", "", "", "", "", "", "", "", ""]
    attainer = _date(entry.get("attainer_date"))
    dob = _date(entry.get("date_of_birth"))
    name = f"{entry.get('surname', '')}, {entry.get('first_names', '')}".strip(", ")
    if entry.get("special_category") in ADDRESS_WITHHELD:
        address = [""] * 7
        uprn = ""
    else:
        address = [str(entry.get(f"address_{i}") or "") for i in range(1, 7)]
        address.insert(0, str(entry.get("postcode") or ""))
        uprn = str(entry.get("uprn") or "")
    dob_text = dob.strftime("%d/%m/%Y") if attainer is not None and dob is not None else ""
    if attainer is not None:
        markers = f"{markers} {attainer:%d/%m/%Y}".strip()
    return [prefix, number, suffix, markers, dob_text, name, *address, uprn]


def register_rows(entries: Iterable[dict[str, Any]], kind: str, as_at: dt.date) -> Iterator[list[str]]:
    if kind not in ("full", "open"):
        raise ValueError(f"Unknown register kind: {kind}")
    yield SUPPLY_COLUMNS
    for entry in entries:
        if is_publishable(entry, kind, as_at):
            yield supply_row(entry)


def notice_rows(alterations: Iterable[dict[str, Any]], as_at: dt.date) -> Iterator[list[str]]:
    """A notice of alteration: each change with its entry (for a deletion, the entry it removes)."""
    yield NOTICE_COLUMNS
    for alteration in alterations:
        entry = alteration["entry"] or alteration.get("previous") or {}
        if is_publishable(entry, "full", as_at):
            yield [CHANGE_LABELS[alteration["kind"]], *supply_row(entry)]


def write_csv(rows: Iterable[list[str]], out: IO[str]) -> int:
    """Write rows; returns the number of data rows (excluding the header)."""
    writer = csv.writer(out, lineterminator="\r\n")
    count = -1
    for row in rows:
        writer.writerow(row)
        count += 1
    return max(count, 0)
