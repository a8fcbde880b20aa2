"""Running a job: claim it, hand the handler a context, record progress, finish or fail.

Handlers do their work in units. ``JobContext.commit_unit`` runs one unit's writes and the
new checkpoint/progress in one transaction, so after a crash the job resumes from the last
committed unit and never repeats one.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from .models import JobRun, JobState
from .registry import get_kind

log = logging.getLogger(__name__)
T = TypeVar("T")

# A running job whose heartbeat is older than this is taken to have died with its worker.
STALE_AFTER = timedelta(minutes=2)


class JobContext:
    def __init__(self, job: JobRun, on_progress: Callable[[JobRun], None] | None = None) -> None:
        self.job = job
        self.on_progress = on_progress

    @property
    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = self.job.params
        return params

    @property
    def checkpoint(self) -> dict[str, Any]:
        checkpoint: dict[str, Any] = self.job.checkpoint
        return checkpoint

    def set_total(self, total: int, stage: str = "") -> None:
        self.job.total = total
        if stage:
            self.job.stage = stage
        self._save("total", "stage")

    def stage(self, text: str) -> None:
        self.job.stage = text
        self._save("stage")

    def message(self, text: str) -> None:
        self.job.messages = [*self.job.messages, text][-200:]
        self._save("messages")

    def add_result_file(self, name: str, path: str) -> None:
        self.job.result_files = [*self.job.result_files, {"name": name, "path": path}]
        self._save("result_files")

    def commit_unit(self, work: Callable[[], T], *, done: int, checkpoint: dict[str, Any]) -> T:
        """Run ``work`` and record ``done``/``checkpoint`` atomically with it."""
        with transaction.atomic():
            result = work()
            self.job.done = done
            self.job.checkpoint = checkpoint
            self.job.heartbeat_at = timezone.now()
            JobRun.objects.filter(pk=self.job.pk).update(
                done=done, checkpoint=checkpoint, heartbeat_at=self.job.heartbeat_at
            )
        if self.on_progress is not None:
            self.on_progress(self.job)
        return result

    def _save(self, *fields: str) -> None:
        self.job.heartbeat_at = timezone.now()
        self.job.save(update_fields=[*fields, "heartbeat_at"])


def claim(job_id: int, *, takeover: bool = False) -> JobRun | None:
    """Mark a queued (or stale running) job as running; None if someone else has it or it is done.

    ``takeover`` claims a running job even if its heartbeat is fresh: for an operator who
    knows its worker was killed.
    """
    with transaction.atomic():
        job = JobRun.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state in (JobState.SUCCEEDED, JobState.FAILED):
            return None
        fresh = job.heartbeat_at is not None and timezone.now() - job.heartbeat_at < STALE_AFTER
        if job.state == JobState.RUNNING and fresh and not takeover:
            return None  # alive elsewhere
        now = timezone.now()
        job.state = JobState.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        if job.attempts > 1:
            job.messages = [*job.messages, f"Resumed (attempt {job.attempts}) from {job.done:,} of {job.total:,}."]
        job.save(update_fields=["state", "attempts", "started_at", "heartbeat_at", "messages"])
        return job


def execute(job_id: int, *, takeover: bool = False, on_progress: Callable[[JobRun], None] | None = None) -> str:
    """Run one job to completion in this process. Returns its final state."""
    job = claim(job_id, takeover=takeover)
    if job is None:
        current = JobRun.objects.filter(pk=job_id).values_list("state", flat=True).first()
        return current or "missing"
    context = JobContext(job, on_progress=on_progress)
    try:
        get_kind(job.kind).handler(context)
    except Exception as exc:  # the job failed: record why and keep the worker alive
        log.exception("Job %s failed", job_id)
        job.refresh_from_db()
        job.state = JobState.FAILED
        job.errors = [*job.errors, f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=5)]
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "errors", "finished_at"])
        return job.state
    job.refresh_from_db()
    job.state = JobState.SUCCEEDED
    job.done = max(job.done, job.total)
    job.finished_at = timezone.now()
    job.stage = "Finished"
    job.save(update_fields=["state", "done", "finished_at", "stage"])
    return job.state
