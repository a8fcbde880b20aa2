"""``ems import polling-data FILE [FILE2] --authority GSS [--dry-run] [--json] [--user USERNAME]``.

Reads a polling-data export from another EMS (Xpress, Idox Eros, Democracy Counts, FCS, EONI),
recognising its format, encoding and delimiter, and writes districts, places, stations,
properties and allocations for the authority in one transaction. ``--dry-run`` reads and
reports without writing. ``--json`` prints only one JSON object::

    {"format": ..., "encoding": ..., "delimiter": ..., "properties": N, "stations": N,
     "districts": N, "skipped": [{"row": n, "reason": ...}], "warnings": [...]}

A file that cannot be imported (empty, truncated, unrecognised, malformed) ends the command
with one line naming the file, row and problem, and a non-zero exit; nothing is written.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ems.accounts.models import User
from ems.core.models import Authority
from ems.register.importers import FORMAT_LABELS, ImportFileError, ParsedImport, read_polling_data
from ems.register.services import polling_data_import


class Command(BaseCommand):
    help = "Import data exported from another electoral management system."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        polling = sub.add_parser(
            "polling-data",
            help="Polling districts, places, stations and property allocations from an EMS export",
        )
        polling.add_argument(
            "files", nargs="+", metavar="FILE", help="The export; Democracy Counts: both files, in either order"
        )
        polling.add_argument("--authority", required=True, metavar="GSS", help="GSS code of the authority")
        polling.add_argument("--dry-run", action="store_true", help="Read and report; write nothing")
        polling.add_argument("--json", action="store_true", help="Print only a JSON summary")
        polling.add_argument("--user", metavar="USERNAME", help="Record this user in the audit trail")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[str] = options["files"]
        if len(files) > 2:
            raise CommandError("Give one export file, or the two Democracy Counts files")
        authority = Authority.objects.filter(gss_code=options["authority"]).first()
        if authority is None:
            raise CommandError(f"No authority with GSS code {options['authority']!r}")
        user = None
        if options.get("user"):
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}")
        try:
            parsed = read_polling_data(files)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if not parsed.complete and not options["dry_run"]:
            raise CommandError(
                f"{parsed.files[0]}: Democracy Counts needs two files: the polling stations file and the "
                "polling districts file (only the stations file was given; --dry-run reads it alone)"
            )
        counts = None
        if not options["dry_run"]:
            try:
                counts = polling_data_import(
                    acting_user=user, authority=authority, parsed=parsed, source_name=", ".join(parsed.files)
                )
            except ValueError as exc:
                raise CommandError(" ".join(str(exc).split())) from exc
        if options["json"]:
            self.stdout.write(json.dumps(parsed.summary()))
        else:
            self._report(parsed, counts, options["dry_run"])

    def _report(self, parsed: ParsedImport, counts: dict[str, int] | None, dry_run: bool) -> None:
        delimiter = {",": "comma", "\t": "tab", "": "none (JSON)"}.get(parsed.delimiter, repr(parsed.delimiter))
        self.stdout.write(f"{FORMAT_LABELS[parsed.format]} ({parsed.encoding}, delimiter {delimiter})")
        self.stdout.write(
            f"Read {len(parsed.addresses):,} properties, {len(parsed.stations):,} stations, "
            f"{len(parsed.districts):,} districts; {len(parsed.skipped):,} rows skipped"
        )
        for skip in parsed.skipped[:20]:
            self.stdout.write(f"  row {skip.row}: {skip.reason}")
        if len(parsed.skipped) > 20:
            self.stdout.write(f"  … and {len(parsed.skipped) - 20:,} more (use --json for all)")
        for warning in parsed.warnings:
            self.stdout.write(f"Warning: {warning}")
        if dry_run or counts is None:
            self.stdout.write("Dry run: nothing written")
            return
        changes = {key: value for key, value in counts.items() if value and key != "properties_unchanged"}
        if not changes:
            self.stdout.write(f"Written: nothing changed ({counts['properties_unchanged']:,} properties unchanged)")
            return
        self.stdout.write(
            "Written: " + ", ".join(f"{key.replace('_', ' ')} {value:,}" for key, value in changes.items())
        )
