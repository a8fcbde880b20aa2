"""Starting and resuming jobs. Every start is audited; the run itself goes to the task worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from ems.audit.services import audit_record

from .models import JobRun, JobState
from .registry import get_kind
from .runner import STALE_AFTER

if TYPE_CHECKING:
    from ems.accounts.models import User
    from ems.core.models import Authority


def _enqueue(job: JobRun) -> None:
    from .tasks import run_job

    kind = get_kind(job.kind)
    run_job.using(queue_name=kind.queue).enqueue(job.pk)


@transaction.atomic
def job_start(
    *,
    acting_user: User | None,
    authority: Authority,
    kind: str,
    params: dict[str, Any] | None = None,
    enqueue: bool = True,
) -> JobRun:
    """Create a JobRun and (after commit) hand it to the task worker."""
    get_kind(kind)  # refuse unknown kinds before writing anything
    job = JobRun.objects.create(
        authority=authority,
        kind=kind,
        params=params or {},
        created_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    audit_record(
        actor=acting_user, authority=authority, action="job.start", obj=job, after={"kind": kind, "params": job.params}
    )
    if enqueue:
        transaction.on_commit(lambda: _enqueue(job))
    return job


@transaction.atomic
def jobs_requeue_stale() -> list[int]:
    """Find running jobs whose worker died (no heartbeat) and queue them to resume."""
    cutoff = timezone.now() - STALE_AFTER
    stale = list(
        JobRun.objects.select_for_update(skip_locked=True).filter(state=JobState.RUNNING, heartbeat_at__lt=cutoff)
    )
    for job in stale:
        audit_record(
            actor=None,
            authority=job.authority,
            action="job.resume",
            obj=job,
            before={"done": job.done},
            reason="Worker stopped; resuming from checkpoint",
        )
        transaction.on_commit(lambda job=job: _enqueue(job))  # type: ignore[misc]
    return [job.pk for job in stale]
