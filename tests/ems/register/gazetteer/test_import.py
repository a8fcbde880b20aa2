"""``gazetteer_import`` and the ``register.gazetteer_import`` job: change-only, all or nothing, per authority."""

from __future__ import annotations

import csv
import datetime as dt
import inspect
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from gazetteer_samples import abp_rows, write_dtf

from ems.accounts.roles import Role
from ems.audit.models import AuditEvent
from ems.jobs import runner
from ems.jobs.models import JobRun, JobState
from ems.jobs.services import job_start
from ems.register import services_gazetteer
from ems.register.gazetteer import GazetteerError, apply, open_reader
from ems.register.gazetteer.job import JOB_KIND
from ems.register.models import Property
from ems.register.services_gazetteer import AUDIT_ACTION, gazetteer_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(authority_a, make_user):
    return make_user(Role.OFFICER, authority_a, with_device=False)


def run_import(authority, path, user=None, **kwargs):
    reader = open_reader(path)
    return gazetteer_import(
        acting_user=user, authority=authority, records=reader, source_name=reader.source_name, **kwargs
    )


def snapshot(authority):
    return sorted(Property.objects.filter(authority=authority).values_list())


# ---- AddressBase Plus --------------------------------------------------------------------------
def test_addressbase_plus_samples_import(authority_a, officer, abp_file):
    report = run_import(authority_a, abp_file, officer)
    assert (len(report.new), len(report.changed), len(report.retired)) == (9, 0, 0) and report.full_supply
    assert Property.objects.filter(authority=authority_a).count() == 9
    flat = Property.objects.get(authority=authority_a, uprn=10000000005)
    assert (flat.address_1, flat.address_2, flat.address_3, flat.address_4) == (
        "FLAT 2",
        "114 LLANDAFF ROAD",
        "RIVERSIDE",
        "CARDIFF",
    )
    assert flat.postcode == "CF11 9PU" and flat.parent_uprn == 100100892261
    assert (flat.easting, flat.northing, flat.latitude, flat.longitude) == (316428.0, 177020.0, 51.4859331, -3.2050007)
    assert (flat.classification, flat.status, flat.usrn, flat.source) == (
        "RD06",
        "residential",
        5801201,
        "addressbase-plus",
    )
    assert flat.source_updated == dt.date(2018, 12, 9) and flat.retired_at is None
    event = AuditEvent.objects.get(action=AUDIT_ACTION)
    assert event.actor == officer and event.authority == authority_a
    assert event.after["new"] == 9 and event.after["new_uprns"][0] == 10000000001


def test_reimport_of_the_same_file_changes_nothing(authority_a, abp_file):
    run_import(authority_a, abp_file)
    before = snapshot(authority_a)
    with CaptureQueriesContext(connection) as queries:
        report = run_import(authority_a, abp_file)
    assert (len(report.new), len(report.changed), len(report.retired), report.unchanged) == (0, 0, 0, 9)
    assert snapshot(authority_a) == before
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) == 1 and "audit" in writes[0].lower()  # only the audit summary row


def test_a_modified_full_file_reports_exactly_the_new_changed_and_retired(authority_a, abp_file, tmp_path):
    run_import(authority_a, abp_file)
    rows = abp_rows()
    rows[1] = rows[1].replace(
        '"FALLOWFIELD ROAD","","","FALLOWFIELD ROAD"', '"FALLOWFIELD ROAD","","","FALLOW FIELD ROAD"'
    )
    del rows[3]  # 10000000004 gone
    rows.append(rows[0].replace("10000000001,", "10000000099,", 1))
    modified = tmp_path / "abp_modified.csv"
    modified.write_text("\n".join(rows) + "\n")
    report = run_import(authority_a, modified)
    assert report.new == [10000000099]
    assert report.changed == [(10000000002, "address_1")]
    assert report.retired == [10000000004]
    assert Property.objects.get(authority=authority_a, uprn=10000000002).address_1 == "111 FALLOW FIELD ROAD"
    gone = Property.objects.get(authority=authority_a, uprn=10000000004)
    assert gone.retired_at is not None  # retired, never deleted
    # and back again: the original file un-retires it and restores the address
    again = run_import(authority_a, abp_file)
    assert sorted(u for u, _ in again.changed) == [10000000002, 10000000004] and again.retired == [10000000099]


def test_a_change_only_file_retires_deleted_uprns_and_nothing_else(authority_a, abp_file, tmp_path):
    run_import(authority_a, abp_file)
    rows = abp_rows()
    cou = tmp_path / "cou.csv"
    cou.write_text(rows[2].replace(',"I",', ',"D",', 1) + "\n")
    report = run_import(authority_a, cou)
    assert not report.full_supply and report.retired == [10000000003] and not report.new and not report.changed
    assert Property.objects.filter(authority=authority_a, retired_at__isnull=True).count() == 8


def test_only_the_same_source_is_retired_by_absence(authority_a, abp_file, tmp_path):
    Property.objects.create(authority=authority_a, uprn=555, address_1="HAND MADE", postcode="B63 1BZ", source="dtf")
    Property.objects.create(
        authority=authority_a, uprn=556, address_1="OLD ABP", postcode="B63 1BZ", source="addressbase-plus"
    )
    report = run_import(authority_a, abp_file)
    assert report.retired == [556]
    assert Property.objects.get(uprn=555).retired_at is None


def test_dry_run_reports_but_writes_nothing(authority_a, abp_file):
    report = run_import(authority_a, abp_file, dry_run=True)
    assert len(report.new) == 9 and report.dry_run
    assert not Property.objects.exists() and not AuditEvent.objects.filter(action=AUDIT_ACTION).exists()


# ---- all or nothing, tenancy ------------------------------------------------------------------------
def test_a_bad_line_in_the_middle_writes_nothing(authority_a, abp_file, tmp_path, monkeypatch):
    run_import(authority_a, abp_file)
    before = snapshot(authority_a)
    audits = AuditEvent.objects.count()
    monkeypatch.setattr(apply, "BATCH_SIZE", 2)  # so earlier batches are written before the bad line
    rows = abp_rows()
    rows = [row.replace('"HALESOWEN"', '"HALESOWEN TOWN"') for row in rows]  # changes in the first batches
    rows[6] = "NOT-A-UPRN" + rows[6][rows[6].index(",") :]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(rows) + "\n")
    with pytest.raises(GazetteerError, match=r"bad.csv:7: UPRN must be a whole number"):
        run_import(authority_a, bad)
    assert snapshot(authority_a) == before and AuditEvent.objects.count() == audits


def test_an_import_for_a_never_touches_b(authority_a, authority_b, abp_file, tmp_path):
    run_import(authority_b, abp_file)
    b_before = snapshot(authority_b)
    run_import(authority_a, abp_file)
    rows = abp_rows()[:2]  # a full file for A with only two UPRNs: A retires seven, B keeps all
    small = tmp_path / "small.csv"
    small.write_text("\n".join(rows) + "\n")
    report = run_import(authority_a, small)
    assert len(report.retired) == 7
    assert snapshot(authority_b) == b_before
    assert Property.objects.filter(authority=authority_b, retired_at__isnull=True).count() == 9


# ---- DTF 8.1 ---------------------------------------------------------------------------------------
def test_dtf_sample_imports_and_reimport_is_a_no_op(authority_a, dtf_file):
    report = run_import(authority_a, dtf_file)
    # 11 BLPUs: a street record (PS) and a historical UPRN never seen before are not imported
    assert len(report.new) == 9 and report.skipped == 2 and report.full_supply
    flat = Property.objects.get(authority=authority_a, uprn=100090000003)
    assert (flat.address_1, flat.address_2, flat.address_3, flat.address_4, flat.address_5) == (
        "FLAT 1",
        "ROSE COURT",
        "12 HIGH STREET",
        "EXAMPLETOWN",
        "",
    )
    assert (flat.parent_uprn, flat.source, flat.latitude, flat.longitude) == (100090000002, "dtf", None, None)
    statuses = dict(Property.objects.filter(authority=authority_a).values_list("uprn", "status"))
    assert statuses[100090000006] == "demolished" and statuses[100090000008] == "empty"
    assert statuses[100090000005] == "non_residential"
    before = snapshot(authority_a)
    again = run_import(authority_a, dtf_file)
    assert (len(again.new), len(again.changed), len(again.retired), again.unchanged) == (0, 0, 0, 9)
    assert snapshot(authority_a) == before


def test_dtf_historical_record_retires_an_existing_property(authority_a, dtf_file, tmp_path):
    lines = dtf_file.read_text().splitlines()
    live = [line.replace('21,"I",14,100090000007,8,4', '21,"I",14,100090000007,1,2') for line in lines]
    run_import(authority_a, write_dtf(tmp_path / "live.csv", live))
    assert Property.objects.get(uprn=100090000007).retired_at is None
    report = run_import(authority_a, dtf_file)  # now logical status 8 (historical)
    assert report.retired == [100090000007]
    gone = Property.objects.get(uprn=100090000007)
    assert gone.retired_at is not None and gone.status == "demolished"


# ---- the job ----------------------------------------------------------------------------------------
def test_the_job_reports_progress_and_writes_a_result_file(authority_a, officer, dtf_file, settings):
    job = job_start(
        acting_user=officer, authority=authority_a, kind=JOB_KIND, params={"path": str(dtf_file)}, enqueue=False
    )
    seen = []
    assert runner.execute(job.pk, on_progress=lambda run: seen.append(run.done)) == JobState.SUCCEEDED
    job.refresh_from_db()
    assert job.total == 11 and seen[-1] == 11 and job.checkpoint["report"]["new"] == 9
    (result,) = job.result_files
    rows = list(csv.DictReader((Path(settings.JOB_FILES_DIR) / result["path"]).open()))
    assert len(rows) == 9 and {r["change"] for r in rows} == {"new"}
    assert "9 new, 0 changed, 0 retired" in job.messages[0]


def test_a_failed_job_writes_no_property(authority_a, dtf_file, tmp_path):
    lines = dtf_file.read_text().splitlines()
    bad = write_dtf(tmp_path / "bad.csv", lines[:-1], fix_count=False)
    job = job_start(acting_user=None, authority=authority_a, kind=JOB_KIND, params={"path": str(bad)}, enqueue=False)
    assert runner.execute(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert "no trailer record (type 99)" in job.errors[0] and not Property.objects.exists()
    assert JobRun.objects.get(pk=job.pk).state == JobState.FAILED


# ---- the audit rule for this module (the shared audit test only scans ``*.services``) -----------------
def test_every_public_function_of_services_gazetteer_writes_an_audit_row(authority_a, officer, abp_file):
    calls = {"gazetteer_import": lambda: run_import(authority_a, abp_file, officer)}
    public = {
        name
        for name, obj in inspect.getmembers(services_gazetteer, inspect.isfunction)
        if obj.__module__ == services_gazetteer.__name__ and not name.startswith("_")
    }
    assert public == set(calls), f"Add these to the audit test: {sorted(public - set(calls))}"
    for name, call in calls.items():
        before = AuditEvent.objects.count()
        call()
        assert AuditEvent.objects.count() > before, f"{name} wrote no audit event"
