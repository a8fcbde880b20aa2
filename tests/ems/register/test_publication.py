"""Publication: the supply CSV and the print PDF never leak anonymous electors, opt-outs or under-16s;
loading a supply CSV is all-or-nothing and idempotent."""

import csv
import datetime as dt
import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from ems.audit.models import AuditEvent
from ems.core.models import Authority
from ems.register.exporters import supply_csv
from ems.register.models import Elector, Property

AS_AT = dt.date(2026, 12, 1)

token = st.text(alphabet="QXZJKVWY", min_size=8, max_size=8).map(lambda s: "Tok" + s)
entry_strategy = st.fixed_dictionaries(
    {
        "polling_district_code": st.sampled_from(["AA", "AB"]),
        "elector_number": st.integers(1, 5000),
        "elector_suffix": st.integers(0, 3),
        "surname": token,
        "first_names": token,
        "address_1": token,
        "address_2": token,
        "postcode": st.just("AB1 2CD"),
        "uprn": st.integers(1, 10**12 - 1),
        "markers": st.sampled_from(["", "G", "K", "F"]),
        "is_anonymous": st.booleans(),
        "open_register_opt_out": st.booleans(),
        "special_category": st.sampled_from(["", "", "overseas", "service", "local_connection", "crown"]),
        "date_of_birth": st.one_of(st.none(), st.dates(dt.date(1920, 1, 1), dt.date(2016, 1, 1))),
        "attainer_date": st.one_of(st.none(), st.dates(dt.date(2026, 12, 2), dt.date(2028, 12, 1))),
    }
)


def _distinct(entries):
    """Give every entry its own unguessable names and address, so a match can only be a leak."""
    for i, entry in enumerate(entries):
        for field in ("surname", "first_names", "address_1", "address_2"):
            entry[field] = f"Qzx{i:04d}{field[:3]}{entry[field]}"
    return entries


def _published_text(entries, kind):
    out = io.StringIO()
    supply_csv.write_csv(supply_csv.register_rows(entries, kind, AS_AT), out)
    return out.getvalue()


def _under_16(entry):
    dob = entry["date_of_birth"]
    return dob is not None and (AS_AT.year - dob.year - ((AS_AT.month, AS_AT.day) < (dob.month, dob.day))) < 16


@settings(max_examples=200, deadline=None)
@given(st.lists(entry_strategy, min_size=1, max_size=30), st.sampled_from(["full", "open"]))
def test_supply_csv_never_leaks_what_the_law_withholds(entries, kind):
    entries = _distinct(entries)
    text = _published_text(entries, kind)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == supply_csv.SUPPLY_COLUMNS
    for entry in entries:
        secret = {entry["surname"], entry["first_names"], entry["address_1"], entry["address_2"]}
        if entry["is_anonymous"] or _under_16(entry) or (kind == "open" and entry["open_register_opt_out"]):
            assert not any(s in text for s in secret), f"{kind} register leaked {entry}"
        if entry["special_category"] in supply_csv.ADDRESS_WITHHELD:
            assert entry["address_1"] not in text and entry["address_2"] not in text
    for row in rows[1:]:
        if "N" in row[3]:
            assert row[4:] == [""] * 10  # number and marker only
    if kind == "open":
        assert len(rows) - 1 == sum(
            1 for e in entries if not (e["is_anonymous"] or e["open_register_opt_out"] or _under_16(e))
        )


@settings(max_examples=60, deadline=None)
@given(st.lists(entry_strategy, min_size=1, max_size=12))
def test_print_pdf_never_shows_anonymous_names_or_addresses(entries):
    entries = _distinct(entries)
    from ems.register.exporters import pdf

    published = [e for e in entries if supply_csv.is_publishable(e, "full", AS_AT)]
    document = pdf.render_register_pdf(
        entries=published, authority_name="Test", title="Register of electors", kind="full", as_at=AS_AT
    )
    text = pdf.extract_text(document) if hasattr(pdf, "extract_text") else _pdf_text(document)
    for entry in published:
        if entry["is_anonymous"]:
            for secret in (entry["surname"], entry["first_names"], entry["address_1"], entry["address_2"]):
                assert secret not in text


def _pdf_text(document: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(document)).pages)


@pytest.fixture
def demo_authority(db):
    call_command("demo-data", "--electors", "1500", "--seed", "11", "--authority", "E07000211")
    return Authority.objects.get(gss_code="E07000211")


@pytest.mark.django_db
def test_export_then_import_round_trips_and_reimport_changes_nothing(demo_authority, tmp_path):
    out = tmp_path / "full.csv"
    call_command("register", "export", "--authority", "E07000211", "--kind", "full", "--format", "csv",
                 "--out", str(out), "--as-at", "2025-12-01")  # fmt: skip
    rows = list(csv.reader(out.open(encoding="utf-8")))
    published = Elector.records.filter(authority=demo_authority).count()
    assert rows[0] == supply_csv.SUPPLY_COLUMNS and 0 < len(rows) - 1 <= published

    from ems.core.services import authority_create

    target = authority_create(
        acting_user=None, name="Target Council", gss_code="E07000212", nation="ENG", authority_type="NMD"
    )
    before = 0
    stdout = io.StringIO()
    call_command("register", "import", str(out), "--authority", "E07000212", "--effective-date", "2026-01-05",
                 "--json", stdout=stdout)  # fmt: skip
    import json

    counts = json.loads(stdout.getvalue())
    assert counts["electors_added"] == len(rows) - 1
    from ems.register.models import Alteration
    from ems.register.services_alterations import _entry_of

    entries = dict(Alteration.objects.filter(authority=target).values_list("elector_id", "entry"))
    for elector in Elector.records.filter(authority=target).select_related("property", "polling_district"):
        assert entries[elector.pk] == _entry_of(elector)  # the bulk-built entry equals the service's
    assert Elector.records.filter(authority=target).count() == before + len(rows) - 1
    audit_rows = AuditEvent.objects.filter(action="register.supply_import").count()

    again = io.StringIO()
    call_command("register", "import", str(out), "--authority", "E07000212", "--effective-date", "2026-01-05",
                 "--json", stdout=again)  # fmt: skip
    second = json.loads(again.getvalue())
    assert second["electors_added"] == 0 and second["electors_amended"] == 0 and second["properties_created"] == 0
    assert second["unchanged"] == len(rows) - 1
    assert AuditEvent.objects.filter(action="register.supply_import").count() == audit_rows + 1

    # The loaded register exports again to the same rows (same numbers, names and addresses).
    out2 = tmp_path / "again.csv"
    call_command("register", "export", "--authority", "E07000212", "--kind", "full", "--format", "csv",
                 "--out", str(out2), "--as-at", "2026-01-05")  # fmt: skip
    reloaded = list(csv.reader(out2.open(encoding="utf-8")))
    assert sorted(map(tuple, reloaded[1:])) == sorted(map(tuple, rows[1:]))


@pytest.mark.django_db
def test_open_register_export_leaves_out_opt_outs_and_anonymous(demo_authority, tmp_path):
    out = tmp_path / "open.csv"
    call_command("register", "export", "--authority", "E07000211", "--kind", "open", "--format", "csv",
                 "--out", str(out), "--as-at", "2025-12-01")  # fmt: skip
    rows = list(csv.reader(out.open(encoding="utf-8")))[1:]
    opted_out = Elector.records.filter(authority=demo_authority, open_register_opt_out=True)
    assert opted_out.exists()
    numbers = {(r[0], r[1], r[2]) for r in rows}
    for elector in opted_out.select_related("polling_district"):
        key = (elector.polling_district.code, str(elector.elector_number), str(elector.elector_suffix))
        assert key not in numbers
    assert not any("N" in r[3] for r in rows)


BAD_FILES = {
    "empty.csv": ("", "empty"),
    "header.csv": ("a,b,c\n1,2,3\n", "not a register supply file"),
    "short.csv": (",".join(supply_csv.SUPPLY_COLUMNS) + '\nAA,1,0,,,"Smith, Jo"\n', "expected 14 columns on row 2"),
    "date.csv": (",".join(supply_csv.SUPPLY_COLUMNS) + '\nAA,1,0,,31/02/2001,"Smith, Jo",,,,,,,,\n', "not a date"),
    "postcode.csv": (",".join(supply_csv.SUPPLY_COLUMNS) + '\nAA,1,0,,,"Smith, Jo",NOPE,,,,,,,\n', "PostCode"),
    "dupe.csv": (
        ",".join(supply_csv.SUPPLY_COLUMNS) + '\nAA,1,0,,,"A, B",,,,,,,,\nAA,1,0,,,"C, D",,,,,,,,\n',
        "appears twice",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_supply_files_are_refused_with_one_line_and_nothing_written(name, authority_a, tmp_path):
    body, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(body)
    counts = (Elector.records.count(), Property.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command("register", "import", str(path), "--authority", authority_a.gss_code)
    assert (Elector.records.count(), Property.objects.count(), AuditEvent.objects.count()) == counts


@pytest.mark.slow
def test_cli_refusal_is_a_single_line(tmp_path):
    import os

    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", EMS_VAR_DIR=str(tmp_path),
               DJANGO_SETTINGS_MODULE="ems.config.settings.local")  # fmt: skip
    ems = [sys.executable, "-m", "ems.cli"]
    subprocess.run([*ems, "migrate", "-v", "0"], env=env, check=True)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n")
    result = subprocess.run([*ems, "register", "import", str(bad), "--authority", "E07000999"], env=env,
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.django_db
def test_publish_job_writes_csv_and_pdf_per_district_with_progress(demo_authority, settings, tmp_path, client_for):
    from ems.accounts.models import User
    from ems.jobs import runner
    from ems.jobs.services import job_start

    settings.JOB_FILES_DIR = tmp_path
    job = job_start(
        acting_user=None, authority=demo_authority, kind="register.publish",
        params={"kind": "open", "as_at": "2025-12-01"}, enqueue=False,
    )  # fmt: skip
    assert runner.execute(job.pk) == "succeeded"
    job.refresh_from_db()
    districts = demo_authority.pollingdistrict_set.count() if hasattr(demo_authority, "pollingdistrict_set") else None
    names = [f["name"] for f in job.result_files]
    assert any(n.endswith(".csv") for n in names) and any(n.endswith(".pdf") for n in names)
    assert job.done == job.total and job.total >= 1
    if districts is not None:
        assert job.total == districts
    csv_file = tmp_path / next(f["path"] for f in job.result_files if f["name"].endswith(".csv"))
    rows = list(csv.reader(csv_file.open(encoding="utf-8")))
    assert rows[0] == supply_csv.SUPPLY_COLUMNS and not any("N" in r[3] for r in rows[1:])
    assert (tmp_path / next(f["path"] for f in job.result_files if f["name"].endswith(".pdf"))).read_bytes()[
        :4
    ] == b"%PDF"

    officer = User.objects.get(username="officer@E07000211")
    download = client_for(officer).get(f"/jobs/{job.pk}/files/0/")
    assert download.status_code == 200


@pytest.mark.django_db
def test_publish_job_refuses_bad_parameters(authority_a):
    from ems.jobs import runner
    from ems.jobs.services import job_start

    job = job_start(
        acting_user=None, authority=authority_a, kind="register.publish", params={"kind": "x"}, enqueue=False
    )
    assert runner.execute(job.pk) == "failed"
    job.refresh_from_db()
    assert "kind must be one of" in job.errors[0]
