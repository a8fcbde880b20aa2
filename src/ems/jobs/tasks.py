"""django.tasks entry points. Business logic stays in job handlers and services."""

from django.tasks import task

from . import runner, services


@task(queue_name="default")
def run_job(job_id: int) -> str:
    return runner.execute(job_id)


@task(queue_name="default")
def requeue_stale_jobs() -> list[int]:
    return services.jobs_requeue_stale()
