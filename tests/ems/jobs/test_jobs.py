"""Jobs: progress records, failure, resume after a killed worker, scheduler, pages."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from ems.accounts.roles import Role
from ems.audit.models import AuditEvent
from ems.audit.services import audit_record
from ems.jobs import runner, schedule, services
from ems.jobs.models import JobRun, JobState, ScheduleState
from ems.jobs.registry import register_job


class SimulatedKill(BaseException):
    """Stands for the worker process dying: it escapes every ``except Exception``."""


@register_job("test.units", "Test: numbered units of work")
def units_job(context):
    units = context.params["units"]
    context.set_total(units, "Counting")
    start = context.checkpoint.get("next_unit", 0)
    for unit in range(start, units):
        if unit == context.params.get("kill_at") and context.job.attempts == 1:
            raise SimulatedKill
        context.commit_unit(
            lambda unit=unit: audit_record(
                actor=None, authority=context.job.authority, action="test.unit", object_type="unit", object_id=unit
            ),
            done=unit + 1,
            checkpoint={"next_unit": unit + 1},
        )


@register_job("test.fails", "Test: always fails")
def failing_job(context):
    context.set_total(3, "About to fail")
    raise ValueError("the input file has 7 columns on row 10, expected 38")


@pytest.mark.django_db
def test_job_runs_to_completion_with_progress(authority_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(acting_user=None, authority=authority_a, kind="test.units", params={"units": 5})
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert (job.done, job.total, job.percent) == (5, 5, 100)
    assert AuditEvent.objects.filter(action="test.unit").count() == 5
    assert AuditEvent.objects.filter(action="job.start", object_id=str(job.pk)).exists()


@pytest.mark.django_db
def test_failed_job_records_the_reason(authority_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(acting_user=None, authority=authority_a, kind="test.fails")
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "7 columns on row 10" in job.errors[0]
    assert job.finished_at is not None


@pytest.mark.django_db
def test_unknown_job_kind_is_refused_and_writes_nothing(authority_a):
    before = (JobRun.objects.count(), AuditEvent.objects.count())
    with pytest.raises(LookupError, match="Unknown job kind"):
        services.job_start(acting_user=None, authority=authority_a, kind="no.such.kind")
    assert (JobRun.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_killed_job_resumes_from_its_checkpoint_without_repeating_work(authority_a, django_capture_on_commit_callbacks):
    job = services.job_start(
        acting_user=None, authority=authority_a, kind="test.units", params={"units": 8, "kill_at": 3}, enqueue=False
    )
    with pytest.raises(SimulatedKill):
        runner.execute(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and job.done == 3  # the worker died mid-run

    # A second worker must not steal a job whose heartbeat is fresh...
    assert services.jobs_requeue_stale() == []
    assert runner.execute(job.pk) == JobState.RUNNING
    # ...but once the heartbeat is stale, the scheduler's sweep resumes it.
    later = timezone.now() + runner.STALE_AFTER + timedelta(seconds=5)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_requeue_stale() == [job.pk]
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.attempts == 2
    units = list(AuditEvent.objects.filter(action="test.unit").values_list("object_id", flat=True))
    assert sorted(units, key=int) == [str(n) for n in range(8)]  # every unit exactly once
    assert any("Resumed" in m for m in job.messages)


@pytest.mark.django_db
def test_takeover_claims_a_job_even_with_a_fresh_heartbeat(authority_a):
    job = services.job_start(
        acting_user=None, authority=authority_a, kind="test.units", params={"units": 4, "kill_at": 2}, enqueue=False
    )
    with pytest.raises(SimulatedKill):
        runner.execute(job.pk)
    assert runner.execute(job.pk, takeover=True) == JobState.SUCCEEDED
    assert AuditEvent.objects.filter(action="test.unit").count() == 4


@pytest.mark.django_db
def test_finished_jobs_are_not_run_again(authority_a):
    job = services.job_start(
        acting_user=None, authority=authority_a, kind="test.units", params={"units": 2}, enqueue=False
    )
    assert runner.execute(job.pk) == JobState.SUCCEEDED
    assert runner.execute(job.pk, takeover=True) == JobState.SUCCEEDED
    assert AuditEvent.objects.filter(action="test.unit").count() == 2


@pytest.mark.django_db
def test_scheduler_enqueues_each_recurring_task_once_per_interval(django_capture_on_commit_callbacks):
    ran: list[str] = []
    schedule.register_recurring(schedule.Recurring("test.tick", timedelta(minutes=5), lambda: ran.append("tick")))
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert "test.tick" in schedule.run_due(now)
        assert "test.tick" not in schedule.run_due(now + timedelta(minutes=1))
        assert "test.tick" in schedule.run_due(now + timedelta(minutes=6))
    assert ran == ["tick", "tick"]
    assert ScheduleState.objects.get(name="test.tick").last_run_at == now + timedelta(minutes=6)


@pytest.mark.django_db
def test_jobs_pages_show_progress_and_stop_polling_when_done(authority_a, make_user, client_for):
    client = client_for(make_user(Role.OFFICER, authority_a))
    job = JobRun.objects.create(
        authority=authority_a, kind="test.units", state=JobState.RUNNING, done=250, total=1000, stage="Electors"
    )
    listing = client.get("/jobs/")
    assert b'<progress class="ems-progress"' in listing.content and b'value="25"' in listing.content
    fragment = client.get(f"/jobs/{job.pk}/progress/")
    assert b"hx-get" in fragment.content and b"250 of 1,000" in fragment.content
    JobRun.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED, done=1000)
    fragment = client.get(f"/jobs/{job.pk}/progress/")
    assert b"hx-get" not in fragment.content and b'value="100"' in fragment.content


@pytest.mark.django_db
def test_result_download_is_confined_to_the_job_files_directory(authority_a, make_user, client_for, settings, tmp_path):
    settings.JOB_FILES_DIR = tmp_path / "files"
    settings.JOB_FILES_DIR.mkdir()
    (settings.JOB_FILES_DIR / "report.csv").write_text("a,b\n")
    (tmp_path / "secret.txt").write_text("do not serve")
    job = JobRun.objects.create(
        authority=authority_a,
        kind="test.units",
        state=JobState.SUCCEEDED,
        result_files=[{"name": "report.csv", "path": "report.csv"}, {"name": "x", "path": "../secret.txt"}],
    )
    client = client_for(make_user(Role.OFFICER, authority_a))
    ok = client.get(f"/jobs/{job.pk}/files/0/")
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == b"a,b\n"
    assert client.get(f"/jobs/{job.pk}/files/1/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/files/9/").status_code == 404
