"""Job handlers: the eligibility run, station packs and poll cards (registered in ``apps.ready``).

Each re-checks what its service checked, so a job queued before the register changed still
refuses to produce anything from a stale eligibility list.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from ems.audit.services import audit_record
from ems.jobs.registry import register_job
from ems.jobs.runner import JobContext
from ems.register.models import Elector

from . import eligibility
from .models import EligibilityRun, RunState
from .services import PACKS_JOB, POLL_CARDS_JOB, RUN_JOB


@register_job(RUN_JOB, "Decide who may vote (eligibility run)", queue="bulk")
def eligibility_job(context: JobContext) -> None:
    run = EligibilityRun.objects.select_related("poll", "poll__authority").get(pk=context.params["run_id"])
    if run.state != RunState.RUNNING:
        context.message(f"Run {run.number} is {run.get_state_display().lower()}: nothing to do")
        return
    electors = Elector.records.filter(authority_id=run.authority_id).count()
    context.set_total(electors, stage=f"Eligibility run {run.number}: deciding {electors:,} register entries")

    def progress(done: int, work: Callable[[], None] | None) -> None:
        context.commit_unit(work or (lambda: None), done=min(done, electors), checkpoint={})

    try:
        eligibility.compute(run, progress=progress)
    except Exception as error:
        EligibilityRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED, error=f"{type(error).__name__}: {error}"[:2000], finished_at=timezone.now()
        )
        raise
    run.refresh_from_db()
    context.set_total(run.electors, stage=f"Eligibility run {run.number}: ready for sign-off")
    context.commit_unit(
        lambda: audit_record(
            actor=context.job.created_by,
            authority=run.poll.authority,
            action="polling.eligibility.finish",
            obj=run,
            after={"electors": run.electors, "seconds": run.seconds},
        ),
        done=run.electors,
        checkpoint={"finished": True},
    )


def _register_document_jobs() -> None:
    from . import packs, poll_cards

    register_job(PACKS_JOB, "Polling station packs", queue="bulk")(packs.packs_job)
    register_job(POLL_CARDS_JOB, "Poll cards", queue="bulk")(poll_cards.poll_cards_job)


_register_document_jobs()
