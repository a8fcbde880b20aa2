"""``ems register export …`` and ``ems register import …``: publish and load the register.

ems register export --authority GSS --kind {full,open,notice} --format {csv,pdf} --out PATH
                    [--as-at YYYY-MM-DD] [--district CODE]
ems register import FILE --authority GSS [--effective-date YYYY-MM-DD] [--json]
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ems.core.models import Authority
from ems.geography.models import PollingDistrict
from ems.register import selectors
from ems.register.exporters import supply_csv


def _date(raw: str | None, name: str) -> dt.date:
    if not raw:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"{name} must be a date as YYYY-MM-DD, not {raw!r}") from None


class Command(BaseCommand):
    help = "Publish the register (CSV or PDF) or load one from a supply CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write the full or open register, or a notice of alteration")
        export.add_argument("--authority", required=True)
        export.add_argument("--kind", required=True, choices=supply_csv.KINDS)
        export.add_argument("--format", required=True, choices=("csv", "pdf"))
        export.add_argument("--out", required=True)
        export.add_argument("--as-at", dest="as_at")
        export.add_argument("--district")
        load = sub.add_parser("import", help="Load electors from a register supply CSV")
        load.add_argument("file")
        load.add_argument("--authority", required=True)
        load.add_argument("--effective-date", dest="effective_date")
        load.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            authority = Authority.objects.get(gss_code=str(options["authority"]).strip().upper())
        except Authority.DoesNotExist:
            raise CommandError(f"No authority with GSS code {options['authority']!r}") from None
        if options["action"] == "export":
            self._export(authority, options)
        else:
            self._import(authority, options)

    def _export(self, authority: Authority, options: dict[str, Any]) -> None:
        as_at = _date(options.get("as_at"), "--as-at")
        kind, district = options["kind"], options.get("district")
        out = Path(options["out"])
        if not out.parent.exists():
            raise CommandError(f"Cannot write {out}: the folder {out.parent} does not exist")
        if district and not PollingDistrict.objects.filter(authority=authority, code=district).exists():
            raise CommandError(f"No polling district {district!r} in {authority.name}")
        if kind == "notice":
            alterations = selectors.alterations_effective_on(authority.pk, as_at, district)
        else:
            entries = selectors.iter_register_as_at(authority.pk, as_at, district)
        if options["format"] == "csv":
            with out.open("w", encoding="utf-8", newline="") as handle:
                rows = (
                    supply_csv.notice_rows(alterations, as_at)
                    if kind == "notice"
                    else supply_csv.register_rows(entries, kind, as_at)
                )
                count = supply_csv.write_csv(rows, handle)
        else:
            from ems.register.exporters import pdf

            published = (
                [a for a in alterations if supply_csv.is_publishable(a["entry"] or a["previous"] or {}, "full", as_at)]
                if kind == "notice"
                else [e for e in entries if supply_csv.is_publishable(e, kind, as_at)]  # one district at a time
            )
            title = {"full": "Register of electors", "open": "Open register", "notice": "Notice of alteration"}[kind]
            document = pdf.render_register_pdf(
                entries=[] if kind == "notice" else published,
                alterations=published if kind == "notice" else None,
                authority_name=authority.name,
                title=title,
                kind=kind,
                as_at=as_at,
                district_code=district,
            )
            out.write_bytes(document)
            count = len(published)
        sys.stderr.write(f"Wrote {count:,} entries to {out}\n")

    def _import(self, authority: Authority, options: dict[str, Any]) -> None:
        from ems.register.importers.supply_csv import SupplyFileError, read_supply_csv
        from ems.register.services_supply import register_import_supply

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        effective = _date(options.get("effective_date"), "--effective-date")
        try:
            rows = read_supply_csv(path)
            counts = register_import_supply(
                acting_user=None, authority=authority, rows=rows, effective_date=effective, source_name=path.name
            )
        except SupplyFileError as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(f"{path.name}: {'; '.join(exc.messages)}") from None
        if options["json"]:
            self.stdout.write(json.dumps(counts))
        else:
            self.stdout.write(", ".join(f"{k.replace('_', ' ')}: {v:,}" for k, v in counts.items()))
