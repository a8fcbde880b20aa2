"""Change-only apply: compare gazetteer records with an authority's properties, write the difference.

Runs inside the caller's transaction (``services_gazetteer.gazetteer_import``), in batches:
for each batch of records it loads only the matching properties (by UPRN), creates the new
ones with ``bulk_create``, updates the changed ones with ``bulk_update`` (only the fields that
changed in that batch), and leaves the rest alone — so re-importing the same file writes no
property rows at all. Memory stays bounded: a batch of records, the set of UPRNs seen (about
70 bytes each) and the report's UPRN lists.

Which ``Property`` fields the gazetteer owns: ``COMPARED`` below. The EMS's own fields —
polling district and station, walk order, notes, the district override — are never touched.

Retirement (never deletion — electors may point at the property):

- a record flagged as retiring (AddressBase ``CHANGE_TYPE`` D; DTF BLPU deleted, historical or
  rejected) sets ``retired_at`` (and status *demolished* when the gazetteer says so); its other
  fields are left as they were, since a deleted record carries no address;
- after a *full* supply, every property of the authority **from the same source** that is not
  retired and whose UPRN was not in the file gets ``retired_at``;
- a retired UPRN that reappears is un-retired (``retired_at`` cleared): reported as *changed*.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ems.register.models import Property
from ems.register.search import SEARCHED_ADDRESS_LINES, refresh_search_text

from .records import DEMOLISHED, PropertyRecord

if TYPE_CHECKING:
    from ems.core.models import Authority

BATCH_SIZE = 2_000
REPORT_SAMPLE = 20  # UPRNs of each kind kept in the summary (and the audit row)
WARNING_SAMPLE = 50

COMPARED = (
    "parent_uprn", "address_1", "address_2", "address_3", "address_4", "address_5", "address_6", "postcode",
    "easting", "northing", "latitude", "longitude", "classification", "status", "usrn", "source", "source_updated",
    "retired_at",
)  # fmt: skip


@dataclass
class ImportReport:
    source_name: str
    full_supply: bool = False
    dry_run: bool = False
    records_read: int = 0
    skipped: int = 0
    unchanged: int = 0
    new: list[int] = field(default_factory=list)
    changed: list[tuple[int, str]] = field(default_factory=list)  # (uprn, "field;field")
    retired: list[int] = field(default_factory=list)
    changes_sample: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0

    def warn(self, text: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < WARNING_SAMPLE:
            self.warnings.append(text)

    def summary(self, sample: int = REPORT_SAMPLE) -> dict[str, Any]:
        """Counts and the first ``sample`` UPRNs of each kind: what the audit row and ``--json`` show."""
        return {
            "source": self.source_name,
            "supply": "full" if self.full_supply else "change-only",
            "dry_run": self.dry_run,
            "records_read": self.records_read,
            "new": len(self.new),
            "changed": len(self.changed),
            "retired": len(self.retired),
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "new_uprns": self.new[:sample],
            "changed_uprns": [uprn for uprn, _ in self.changed[:sample]],
            "retired_uprns": self.retired[:sample],
            "changes": self.changes_sample[:sample],
            "warnings": self.warnings[:sample],
            "warning_count": self.warning_count,
        }

    def write_csv(self, path: Path) -> None:
        """Every new, changed and retired UPRN (with the changed fields): the job's result file."""
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["uprn", "change", "fields"])
            writer.writerows((uprn, "new", "") for uprn in self.new)
            writer.writerows((uprn, "changed", fields) for uprn, fields in self.changed)
            writer.writerows((uprn, "retired", "retired_at") for uprn in self.retired)


def _batches(records: Iterable[PropertyRecord], size: int) -> Iterator[list[PropertyRecord]]:
    iterator = iter(records)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def apply_records(
    *,
    authority: Authority,
    records: Iterable[PropertyRecord],
    report: ImportReport,
    full_supply: Callable[[], bool],
    now: dt.datetime,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int | None = None,
) -> ImportReport:
    """Apply ``records`` for ``authority``; ``full_supply`` is asked once the records are read."""
    batch_size = batch_size or BATCH_SIZE
    seen: set[int] = set()
    for batch in _batches(records, batch_size):
        wanted: dict[int, PropertyRecord] = {}
        for record in batch:
            report.records_read += 1
            seen.add(record.uprn)
            for warning in record.warnings:
                report.warn(f"UPRN {record.uprn}: {warning}")
            if record.skip:
                report.skipped += 1
                continue
            wanted[record.uprn] = record  # a repeated UPRN: the later row wins
        _apply_batch(authority, wanted, report, now, batch_size)
        if on_progress is not None:
            on_progress(report.records_read)
    report.full_supply = full_supply()
    if report.full_supply:
        _retire_absent(authority, seen, report, now, batch_size)
    return report


def _apply_batch(
    authority: Authority, wanted: dict[int, PropertyRecord], report: ImportReport, now: dt.datetime, batch_size: int
) -> None:
    if not wanted:
        return
    existing = {
        p.uprn: p for p in Property.objects.filter(authority=authority, uprn__in=list(wanted)).only("uprn", *COMPARED)
    }
    creates: list[Property] = []
    updates: list[Property] = []
    touched: set[str] = set()
    for uprn, record in wanted.items():
        current = existing.get(uprn)
        values: dict[str, Any]
        if record.retiring:
            if current is None:
                report.skipped += 1  # deleted/historical and never imported: nothing to retire
                continue
            values = {"retired_at": current.retired_at or now}
            if record.status == DEMOLISHED:
                values["status"] = DEMOLISHED
        else:
            values = {**record.field_values(), "source": report.source_name, "retired_at": None}
            if current is None:
                creates.append(Property(authority=authority, uprn=uprn, **values))
                report.new.append(uprn)
                continue
        diff = {
            name: (getattr(current, name), value) for name, value in values.items() if getattr(current, name) != value
        }
        if not diff:
            report.unchanged += 1
            continue
        for name, (_, value) in diff.items():
            setattr(current, name, value)
        touched.update(diff)
        updates.append(current)
        if record.retiring and "retired_at" in diff:
            report.retired.append(uprn)
        else:
            report.changed.append((uprn, ";".join(sorted(diff))))
            if len(report.changes_sample) < REPORT_SAMPLE:
                report.changes_sample.append(
                    {"uprn": uprn, "fields": {k: [_plain(a), _plain(b)] for k, (a, b) in sorted(diff.items())}}
                )
    if creates:
        Property.objects.bulk_create(creates, batch_size=batch_size)
    if updates:
        Property.objects.bulk_update(updates, fields=sorted(touched), batch_size=batch_size)
        if touched & set(SEARCHED_ADDRESS_LINES):
            refresh_search_text(property_ids=[p.pk for p in updates])


def _retire_absent(
    authority: Authority, seen: set[int], report: ImportReport, now: dt.datetime, batch_size: int
) -> None:
    live = Property.objects.filter(authority=authority, source=report.source_name, retired_at__isnull=True)
    absent = [uprn for uprn in live.values_list("uprn", flat=True).iterator(chunk_size=10_000) if uprn not in seen]
    for start in range(0, len(absent), batch_size):
        chunk = absent[start : start + batch_size]
        Property.objects.filter(authority=authority, uprn__in=chunk, retired_at__isnull=True).update(retired_at=now)
    report.retired.extend(absent)
