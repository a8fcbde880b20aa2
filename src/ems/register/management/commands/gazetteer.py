"""``ems gazetteer import FILE --authority GSS [--format F] [--supply S] [--dry-run] [--json]``.

Imports an AddressBase Plus CSV or an NLPG/LLPG DTF 8.1 file into the authority's property
base by running the ``register.gazetteer_import`` job in this process, with progress on
stderr, then prints the report (JSON with ``--json``). With no ``--format`` the format is
detected from the first line. ``--supply`` is ``auto`` (DTF: the header's file type;
AddressBase Plus: full unless a row is an update or delete), ``full`` or ``change``; only a
full supply retires UPRNs that are missing from the file, so import a tile or a partial
extract with ``--supply change``.

The file is checked in full first (one pass, progress on stderr): bad input — unknown
format, a malformed or truncated line, a DTF file without header or trailer or with a wrong
trailer count, a bad UPRN — ends with one line naming the file, the line and the problem,
before any job or property is written. The import itself is a second pass, in one transaction.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ems.core.models import Authority
from ems.jobs import runner
from ems.jobs.models import JobRun, JobState
from ems.jobs.services import job_start
from ems.register.gazetteer import FORMATS, GazetteerError, detect_format, open_reader
from ems.register.gazetteer.job import JOB_KIND, SUPPLIES, resolve_full_supply


class Command(BaseCommand):
    help = "Import a gazetteer file (AddressBase Plus CSV or NLPG/LLPG DTF 8.1) into the property base."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imp = actions.add_parser("import", help="Import FILE for one authority (change-only, all or nothing)")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument("--authority", required=True, help="GSS code of the authority, e.g. E07000123")
        imp.add_argument("--format", choices=FORMATS, help="File format (default: detect from the first line)")
        imp.add_argument("--supply", choices=SUPPLIES, default="auto", help="Full or change-only supply")
        imp.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing")
        imp.add_argument("--json", action="store_true", help="Print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "import":  # pragma: no cover - argparse only offers "import"
            raise CommandError(f"Unknown action {options['action']!r}")
        gss_code = str(options["authority"]).strip().upper()
        authority = Authority.objects.filter(gss_code=gss_code).first()
        if authority is None:
            raise CommandError(f"No authority with GSS code {gss_code!r}")
        path = Path(options["file"]).expanduser().resolve()
        try:
            fmt = options["format"] or detect_format(path)
            checker = open_reader(path, fmt)
            total = 0
            for total, _ in enumerate(checker, start=1):
                if total % 10_000 == 0:
                    sys.stderr.write(f"\rChecking: {total:,} UPRNs")
            full_supply = resolve_full_supply(checker.full_supply, options["supply"], str(path))
        except GazetteerError as exc:
            raise CommandError(str(exc)) from None
        sys.stderr.write(f"\rChecked {path.name}: {total:,} UPRNs, {'full' if full_supply else 'change-only'} supply\n")
        params = {
            "path": str(path),
            "format": fmt,
            "supply": "full" if full_supply else "change",
            "dry_run": options["dry_run"],
            "total": total,
        }
        job = job_start(acting_user=None, authority=authority, kind=JOB_KIND, params=params, enqueue=False)

        def progress(run: JobRun) -> None:
            sys.stderr.write(f"\r{run.stage}: {run.done:,}/{run.total:,} UPRNs ({run.percent}%)")
            sys.stderr.flush()

        state = runner.execute(job.pk, on_progress=progress)
        job.refresh_from_db()
        if job.done:
            sys.stderr.write("\n")
        if state != JobState.SUCCEEDED:
            first = str(job.errors[0]) if job.errors else f"job {job.pk} ended as {state}"
            raise CommandError(first.removeprefix(f"{GazetteerError.__name__}: "))
        summary = job.checkpoint.get("report", {})
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2, sort_keys=True))
            return
        prefix = "Dry run (nothing written): " if summary.get("dry_run") else ""
        self.stdout.write(
            f"{prefix}{summary['records_read']:,} records from {path.name} ({summary['supply']} {summary['source']}) "
            f"for {authority}: {summary['new']:,} new, {summary['changed']:,} changed, "
            f"{summary['retired']:,} retired, {summary['unchanged']:,} unchanged, {summary['skipped']:,} skipped."
        )
        for kind in ("new", "changed", "retired"):
            uprns = summary[f"{kind}_uprns"]
            if uprns:
                more = " …" if summary[kind] > len(uprns) else ""
                self.stdout.write(f"  {kind}: {', '.join(str(u) for u in uprns)}{more}")
        if summary["warning_count"]:
            self.stdout.write(f"  {summary['warning_count']:,} warnings, e.g. {summary['warnings'][0]}")
        if job.result_files:
            self.stdout.write(f"  Full list: job {job.pk} result file {job.result_files[0]['name']}")
