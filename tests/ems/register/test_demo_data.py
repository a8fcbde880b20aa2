"""``ems demo-data``: determinism, a realistic mix, input checks, and kill-and-resume."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django_otp.plugins.otp_totp.models import TOTPDevice

from ems.accounts.models import User
from ems.accounts.roles import TWO_FACTOR_ROLES, Role
from ems.audit.models import AuditEvent
from ems.core.models import Authority
from ems.geography.models import AreaType, ElectoralArea, PollingDistrict
from ems.jobs.models import JobRun, JobState
from ems.register import demo
from ems.register.models import AbsentVote, Elector, Property, SpecialCategory

POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d{1,2} \d[ABD-HJLNP-UW-Z]{2}$")


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo-data", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def fingerprint(gss_code: str, include_ids: bool = False) -> str:
    return demo.register_fingerprint(Authority.objects.get(gss_code=gss_code), include_ids=include_ids)


# ---- (a) determinism --------------------------------------------------------------------------
@pytest.mark.django_db
def test_same_seed_gives_the_same_register_in_two_authorities():
    run_demo("--electors", "3000", "--seed", "11", "--authority", "E07000101")
    run_demo("--electors", "3000", "--seed", "11", "--authority", "E07000102")
    run_demo("--electors", "3000", "--seed", "12", "--authority", "E07000103")
    assert Elector.records.filter(authority__gss_code="E07000101").count() == 3000
    assert fingerprint("E07000101") == fingerprint("E07000102")
    assert fingerprint("E07000101") != fingerprint("E07000103")
    # the stable ids are deterministic but unique across authorities (the column is unique)
    assert fingerprint("E07000101", include_ids=True) != fingerprint("E07000102", include_ids=True)


def test_generation_is_a_pure_function_of_plan_and_index():
    plan = demo.make_plan(electors=6000, seed=5)
    assert sum(d.size for d in plan.districts) == 6000
    again = demo.make_plan(electors=6000, seed=5)
    assert plan == again
    one = demo.generate_district(plan, 1, "E07000999")
    two = demo.generate_district(again, 1, "E07000999")
    assert one.electors == two.electors and one.properties == two.properties
    other = demo.generate_district(plan, 1, "E07000998")
    assert [e["ems_elector_id"] for e in one.electors] != [e["ems_elector_id"] for e in other.electors]


def test_district_codes_look_real_and_are_unique():
    plan = demo.make_plan(electors=1_000_000, seed=1)
    codes = [d.code for d in plan.districts]
    assert len(codes) == 400 and len(set(codes)) == 400
    assert all(re.fullmatch(r"[A-Z]{2,3}", c) for c in codes)
    assert codes[:3] == ["AA", "AB", "AC"] and any(len(c) == 3 for c in codes)
    assert all(re.fullmatch(r"E05\d{6}", w.gss_code) for w in plan.wards)


@pytest.mark.parametrize("electors", [1, 2, 7, 999, 2501, 17_499])
def test_every_size_comes_out_exact(electors):
    plan = demo.make_plan(electors=electors, seed=9)
    rows = [demo.generate_district(plan, d.index, "E07000999") for d in plan.districts]
    assert [len(r.electors) for r in rows] == [d.size for d in plan.districts]
    assert sum(len(r.electors) for r in rows) == electors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("gss_code", "ward_prefix", "attainer_ages"),
    [("W06000099", "W05", {14, 15}), ("S12000099", "S13", {14, 15}), ("N09000099", "N08", {16, 17})],
)
def test_other_nations_use_their_own_codes_and_attainer_ages(gss_code, ward_prefix, attainer_ages):
    from ems_rules import franchise

    run_demo("--electors", "4000", "--seed", "8", "--authority", gss_code)
    authority = Authority.objects.get(gss_code=gss_code)
    assert authority.nation == {"W": "WLS", "S": "SCT", "N": "NIR"}[gss_code[0]]
    assert Elector.records.filter(authority=authority).count() == 4000
    wards = ElectoralArea.objects.filter(authority=authority, area_type=AreaType.WARD)
    assert wards.exists() and all(w.gss_code.startswith(ward_prefix) for w in wards)
    attainers = Elector.records.filter(authority=authority, attainer_date__isnull=False)
    ages = {franchise.age_on(e.date_of_birth, demo.DEFAULT_AS_AT) for e in attainers}
    assert ages and ages <= attainer_ages
    # under-16s are always out of the open register (registration.md §1.5)
    assert not attainers.filter(open_register_opt_out=False, date_of_birth__gt=dt.date(2009, 12, 1)).exists()


# ---- (b) the mix ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_mix_at_five_thousand_electors_is_realistic():
    run_demo("--electors", "5000", "--seed", "3", "--authority", "E07000111")
    authority = Authority.objects.get(gss_code="E07000111")
    electors = Elector.records.filter(authority=authority)
    n = electors.count()
    assert n == 5000
    assert 0.30 <= electors.filter(open_register_opt_out=True).count() / n <= 0.40
    assert 0.15 <= electors.filter(absent_vote=AbsentVote.POSTAL).count() / n <= 0.25
    assert electors.filter(is_anonymous=True).exists()
    assert not electors.filter(is_anonymous=True, open_register_opt_out=False).exists()
    assert all("N" in m for m in electors.filter(is_anonymous=True).values_list("markers", flat=True))
    assert electors.filter(attainer_date__isnull=False).count() > 0.01 * n
    assert all(
        d > demo.DEFAULT_AS_AT
        for d in electors.filter(attainer_date__isnull=False).values_list("attainer_date", flat=True)
    )
    assert electors.filter(absent_vote=AbsentVote.PROXY).exclude(proxy_name="").exists()
    assert not electors.filter(absent_vote="").exclude(proxy_name="").exists()
    assert electors.filter(special_category=SpecialCategory.OVERSEAS, markers="F", property__isnull=True).exists()
    assert electors.filter(markers__in=["G", "B", "K"]).exists()
    properties = Property.objects.filter(authority=authority)
    flats = properties.filter(parent_uprn__isnull=False)
    assert flats.exists()
    assert set(flats.values_list("parent_uprn", flat=True)) <= set(properties.values_list("uprn", flat=True))
    busiest = properties.annotate(n=Count("electors")).order_by("-n").values_list("n", flat=True).first()
    assert busiest is not None and busiest >= 6  # an HMO
    assert all(0 < u < 10**12 for u in properties.values_list("uprn", flat=True))
    postcodes = set(properties.values_list("postcode", flat=True))
    assert all(POSTCODE_RE.match(pc) for pc in postcodes)
    assert len({pc.split()[0].rstrip("0123456789") for pc in postcodes}) == 1  # one postcode area
    # elector numbers run 1..n in each district, residents in walk order first
    for district in PollingDistrict.objects.filter(authority=authority):
        numbers = list(
            electors.filter(polling_district=district)
            .order_by("elector_number")
            .values_list("elector_number", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))
        walk = list(
            electors.filter(polling_district=district, property__isnull=False, is_anonymous=False)
            .order_by("elector_number")
            .values_list("property__walk_order", flat=True)
        )
        assert walk == sorted(walk)
    assert ElectoralArea.objects.filter(authority=authority, area_type=AreaType.WARD).exists()
    assert ElectoralArea.objects.filter(
        authority=authority, area_type=AreaType.CONSTITUENCY, gss_code__startswith="E14"
    ).exists()
    assert ElectoralArea.objects.filter(
        authority=authority, area_type=AreaType.PARISH, gss_code__startswith="E04"
    ).exists()
    units = AuditEvent.objects.filter(authority=authority, action="register.demo_data.unit")
    assert units.count() == PollingDistrict.objects.filter(authority=authority).count()
    job = JobRun.objects.get(authority=authority, kind=demo.JOB_KIND)
    assert job.state == JobState.SUCCEEDED and job.done == job.total == 5000


@pytest.mark.django_db
def test_users_for_every_role_with_totp_for_two_factor_roles():
    out = run_demo("--electors", "200", "--seed", "1")
    authority = Authority.objects.get(gss_code="E07000999")
    assert authority.name == "Demo District Council" and authority.nation == "ENG"
    for role in Role:
        user = User.objects.get(username=role.value)
        assert user.authority == authority and user.role == role.value
        assert user.check_password("ems-demo-password")
        assert TOTPDevice.objects.filter(user=user, confirmed=True).exists() == (role in TWO_FACTOR_ROLES)
        assert role.value in out
    # another authority's users are prefixed so they don't collide
    run_demo("--electors", "200", "--seed", "1", "--authority", "E07000123")
    assert User.objects.filter(username="ero@E07000123", authority__gss_code="E07000123").exists()
    # the printed secret matches the device, and totp-code prints a code the device accepts
    device = TOTPDevice.objects.get(user__username="ero")
    assert device.config_url.split("secret=")[1].split("&")[0] in out
    code = StringIO()
    call_command("totp-code", "ero", stdout=code)
    assert re.fullmatch(r"\d{6}\n", code.getvalue())
    assert device.verify_token(code.getvalue().strip())


@pytest.mark.django_db
def test_second_run_with_same_params_is_a_no_op():
    run_demo("--electors", "300", "--seed", "4")
    jobs, events = JobRun.objects.count(), AuditEvent.objects.count()
    out = run_demo("--electors", "300", "--seed", "4")
    assert "Demo data already loaded" in out and "ero" in out
    assert JobRun.objects.count() == jobs and AuditEvent.objects.count() == events
    with pytest.raises(CommandError, match="already has 300 electors"):
        run_demo("--electors", "300", "--seed", "5")


@pytest.mark.django_db
def test_enqueue_hands_the_job_to_the_worker(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = run_demo("--electors", "400", "--seed", "2", "--enqueue")
    job = JobRun.objects.get(kind=demo.JOB_KIND)
    assert f"Demo job {job.pk} queued" in out
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED  # the test settings' immediate backend ran it
    assert Elector.records.count() == 400


# ---- (c) bad input ----------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--electors", "0"], "--electors must be 1 or more"),
        (["--electors", "-5"], "--electors must be 1 or more"),
        (["--electors", "abc"], "--electors must be a whole number"),
        (["--electors", "1.5"], "--electors must be a whole number"),
        (["--electors", "100000000"], "--electors must be at most"),
        (["--seed", "x"], "--seed must be a whole number"),
        (["--seed", "-1"], "--seed must be 0 or more"),
        (["--authority", "X123"], "--authority must be a GSS code"),
        (["--authority", "E0700012"], "--authority must be a GSS code"),
        (["--authority", "Q07000123"], "--authority must be a GSS code"),
        (["--as-at", "1 Dec"], "--as-at must be a date"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(args, message):
    with pytest.raises(CommandError, match=re.escape(message)) as excinfo:
        run_demo(*args)
    assert "\n" not in str(excinfo.value)
    assert not Authority.objects.exists()
    assert not User.objects.exists()
    assert not JobRun.objects.exists()
    assert not AuditEvent.objects.exists()


# ---- (d) kill and resume ----------------------------------------------------------------------
FINGERPRINT_SQL = """
SELECT d.code, e.elector_number, e.elector_suffix, e.ems_elector_id, e.title, e.first_names, e.surname,
       e.date_of_birth, e.markers, e.attainer_date, e.open_register_opt_out, e.is_anonymous,
       e.special_category, e.absent_vote, e.proxy_name, p.uprn, p.parent_uprn, p.address_1, p.address_2,
       p.address_3, p.address_4, p.postcode, p.easting, p.northing, p.latitude, p.longitude, p.walk_order
FROM register_elector e
JOIN geography_pollingdistrict d ON d.id = e.polling_district_id
LEFT JOIN register_property p ON p.id = e.property_id
ORDER BY d.code, e.elector_number, e.elector_suffix
"""
PROPERTIES_SQL = """
SELECT d.code, p.uprn, p.parent_uprn, p.address_1, p.address_2, p.address_3, p.address_4, p.postcode,
       p.easting, p.northing, p.latitude, p.longitude, p.status, p.walk_order
FROM register_property p JOIN geography_pollingdistrict d ON d.id = p.polling_district_id
ORDER BY d.code, p.walk_order
"""


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{db}",
        DJANGO_SETTINGS_MODULE="ems.config.settings.local",
        EMS_VAR_DIR=str(db.parent),
        PYTHONUNBUFFERED="1",
    )
    return env


def _ems(db: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "ems.cli", *args],
        env=_env(db),
        cwd=db.parent,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"ems {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _read(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)


def _sqlite_fingerprint(db: Path) -> str:
    digest = hashlib.sha256()
    with _read(db) as conn:
        for sql in (FINGERPRINT_SQL, PROPERTIES_SQL):
            for row in conn.execute(sql):
                digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.mark.slow
def test_killed_job_resumes_without_duplicating_work(tmp_path):
    killed_db = tmp_path / "killed" / "ems.sqlite3"
    clean_db = tmp_path / "clean" / "ems.sqlite3"
    for db in (killed_db, clean_db):
        db.parent.mkdir()
        _ems(db, "migrate", "--no-input", "-v", "0")
    demo_args = ["demo-data", "--electors", "30000", "--seed", "7", "--authority", "E07000123"]

    # Start the run, wait until it is part-way through, then kill it hard.
    proc = subprocess.Popen(
        [sys.executable, "-m", "ems.cli", *demo_args],
        env=_env(killed_db),
        cwd=killed_db.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    job_id = None
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, "demo-data finished before it could be killed"
            try:
                with _read(killed_db) as conn:
                    row = conn.execute(
                        "SELECT id, done, total FROM jobs_jobrun WHERE kind = 'register.demo_data'"
                    ).fetchone()
            except sqlite3.OperationalError:
                row = None  # the file or table is being written; try again
            if row is not None and 0 < row[1] < row[2]:
                job_id = row[0]
                break
            time.sleep(0.01)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert job_id is not None, "never saw the job part-way through"

    with _read(killed_db) as conn:
        state, done, total, attempts = conn.execute(
            "SELECT state, done, total, attempts FROM jobs_jobrun WHERE id = ?", [job_id]
        ).fetchone()
        electors_at_kill = conn.execute("SELECT COUNT(*) FROM register_elector").fetchone()[0]
    assert state == "running" and 0 < done < total == 30000 and attempts == 1
    assert electors_at_kill == done  # each unit's rows and its progress committed together

    _ems(killed_db, "jobs", "run", str(job_id), "--takeover")
    _ems(clean_db, *demo_args)

    with _read(killed_db) as conn:
        state, done, attempts = conn.execute(
            "SELECT state, done, attempts FROM jobs_jobrun WHERE id = ?", [job_id]
        ).fetchone()
        assert (state, done, attempts) == ("succeeded", 30000, 2)
        assert conn.execute("SELECT COUNT(*) FROM register_elector").fetchone()[0] == 30000
        assert not conn.execute(
            "SELECT polling_district_id, elector_number FROM register_elector "
            "GROUP BY polling_district_id, elector_number HAVING COUNT(*) > 1"
        ).fetchall()
        assert not conn.execute("SELECT ems_elector_id FROM register_elector GROUP BY 1 HAVING COUNT(*) > 1").fetchall()
        assert not conn.execute("SELECT uprn FROM register_property GROUP BY 1 HAVING COUNT(*) > 1").fetchall()
        districts = conn.execute("SELECT COUNT(*) FROM geography_pollingdistrict").fetchone()[0]
        units = conn.execute(
            "SELECT COUNT(*) FROM audit_auditevent WHERE action = 'register.demo_data.unit'"
        ).fetchone()[0]
        assert units == districts == 12  # no unit was done twice
    assert _sqlite_fingerprint(killed_db) == _sqlite_fingerprint(clean_db)


@pytest.mark.django_db
def test_demo_data_is_refused_where_settings_do_not_allow_it(settings):
    from django.core.management import CommandError, call_command

    from ems.core.models import Authority

    settings.EMS_DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="Refusing to load demo data"):
        call_command("demo-data", "--electors", "10")
    assert not Authority.objects.exists()


@pytest.mark.django_db
def test_dashboard_shows_the_register_figures_of_the_users_own_authority(client_for):
    from django.core.management import call_command

    from ems.accounts.models import User
    from ems.register.models import AbsentVote, Elector

    call_command("demo-data", "--electors", "600", "--seed", "3", "--authority", "E07000101")
    call_command("demo-data", "--electors", "900", "--seed", "4", "--authority", "E07000102")
    user = User.objects.get(username="officer@E07000101")
    html = client_for(user).get("/dashboard/").content.decode()
    postal = Elector.records.filter(
        authority=user.authority, absent_vote__in=[AbsentVote.POSTAL, AbsentVote.POSTAL_PROXY]
    ).count()
    assert '<dd class="govuk-summary-list__value">600</dd>' in html
    assert f'<dd class="govuk-summary-list__value">{postal:,}</dd>' in html
    assert ">900<" not in html  # the other authority's electorate


@pytest.mark.django_db
def test_demo_register_is_rebuilt_exactly_from_its_alterations():
    """The demo writes each entry's addition in SQL; it must equal what the services would record."""
    import datetime as dt

    from django.core.management import call_command

    from ems.core.models import Authority
    from ems.register.models import Alteration, Elector
    from ems.register.selectors import register_as_at
    from ems.register.services_alterations import _entry_of

    call_command("demo-data", "--electors", "700", "--seed", "9", "--authority", "E07000109")
    authority = Authority.objects.get(gss_code="E07000109")
    assert Alteration.objects.filter(authority=authority).count() == 700
    rebuilt = {e["ems_elector_id"]: e for e in register_as_at(authority.pk, dt.date(2025, 12, 1))}
    assert len(rebuilt) == 700
    assert register_as_at(authority.pk, dt.date(2025, 11, 30)) == []
    for elector in Elector.records.filter(authority=authority).select_related("property", "polling_district"):
        assert rebuilt[elector.ems_elector_id] == _entry_of(elector)
