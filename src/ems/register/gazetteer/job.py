"""The ``register.gazetteer_import`` job: check the file, import it in one transaction, report.

Params: ``path`` (the file, readable by the worker), ``format`` (``addressbase-plus``, ``dtf``
or empty to detect), ``supply`` (``auto``, ``full`` or ``change``), ``dry_run``, and
optionally ``total`` (UPRNs, when the caller has already checked the file, as the CLI does;
then ``supply`` must be ``full`` or ``change``).

Two passes over the file: the first checks every line and counts records (so a bad line
fails the job before anything is written, and progress has a total); the second applies the
records through ``gazetteer_import`` in **one** transaction — an import is all or nothing, so
it is not split into ``commit_unit`` chunks. Progress inside that transaction is reported to
``on_progress`` (the CLI's stderr) at once; the job row's ``done`` is written in the same
transaction, so the web page sees it at the end. Updating the job row early in the transaction
also holds its row lock, so ``jobs_requeue_stale`` (``SKIP LOCKED``) never takes a long import
for a dead one. Re-running a failed import starts again from the top: it is idempotent.

Results: the summary goes to the job's messages and ``checkpoint["report"]``, and the full
list of new/changed/retired UPRNs to a CSV result file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from ems.jobs.models import JobRun
from ems.jobs.registry import register_job

from . import GazetteerError, open_reader

if TYPE_CHECKING:
    from ems.jobs.runner import JobContext

JOB_KIND = "register.gazetteer_import"
SUPPLIES = ("auto", "full", "change")
PROGRESS_EVERY = 10_000


def resolve_full_supply(reader_full: bool | None, supply: str, path: str) -> bool:
    """The supply type to apply: the reader's view unless the operator said otherwise."""
    if supply not in SUPPLIES:
        raise GazetteerError(path, None, f"supply must be one of {', '.join(SUPPLIES)}, not {supply!r}")
    if supply == "auto":
        return bool(reader_full)
    if supply == "full" and reader_full is False:
        raise GazetteerError(path, None, "the file is a change-only supply; it cannot be imported as full")
    return supply == "full"


@register_job(JOB_KIND, "Import a gazetteer (AddressBase Plus or DTF 8.1)", queue="bulk")
def gazetteer_import_job(context: JobContext) -> None:
    from ems.register.services_gazetteer import gazetteer_import

    params = context.params
    path = str(params["path"])
    fmt = str(params.get("format") or "") or None
    supply = str(params.get("supply") or "auto")
    dry_run = bool(params.get("dry_run", False))

    if params.get("total") is not None:  # already checked by the caller (the CLI does)
        checker = open_reader(path, fmt)
        total = int(params["total"])
        full_supply = resolve_full_supply(None, supply, path)
    else:
        context.stage("Checking the file")
        checker = open_reader(path, fmt)
        total = sum(1 for _ in checker)
        full_supply = resolve_full_supply(checker.full_supply, supply, path)
    context.set_total(total, "Importing")

    job = context.job

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY and done != total:
            return
        job.done = done
        job.heartbeat_at = timezone.now()
        JobRun.objects.filter(pk=job.pk).update(done=done, heartbeat_at=job.heartbeat_at)
        if context.on_progress is not None:
            context.on_progress(job)

    report = gazetteer_import(
        acting_user=job.created_by,
        authority=job.authority,
        records=open_reader(path, checker.format),
        source_name=checker.source_name,
        full_supply=full_supply,
        dry_run=dry_run,
        file_name=Path(path).name,
        on_progress=progress,
    )
    summary = report.summary()
    files_dir = Path(settings.JOB_FILES_DIR)
    files_dir.mkdir(parents=True, exist_ok=True)
    result_name = f"gazetteer-import-{job.pk}.csv"
    report.write_csv(files_dir / result_name)
    context.add_result_file(f"gazetteer-changes-{job.pk}.csv", result_name)
    job.checkpoint = {"report": summary}
    job.save(update_fields=["checkpoint"])
    context.message(
        ("Dry run: " if dry_run else "")
        + f"{summary['new']:,} new, {summary['changed']:,} changed, {summary['retired']:,} retired, "
        f"{summary['unchanged']:,} unchanged ({summary['supply']} {summary['source']} supply)."
    )
    context.message(json.dumps({k: summary[k] for k in ("new_uprns", "changed_uprns", "retired_uprns")}))
