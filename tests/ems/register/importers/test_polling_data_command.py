"""``ems import polling-data``: the JSON contract, --dry-run, and one-line refusals."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ems.audit.models import AuditEvent
from ems.geography.models import PollingDistrict, PollingStation
from ems.register.models import Property

REPO = Path(__file__).resolve().parents[4]
EXPORTS = REPO.parent / "shared" / "data" / "ems-exports"
WDIV = EXPORTS / "wdiv-s3-trigger-fixtures"
IMPORTER = EXPORTS / "importer-fixtures"
CONTRACT_KEYS = {"format", "encoding", "delimiter", "properties", "stations", "districts", "skipped", "warnings"}


def _run(*args):
    out = io.StringIO()
    call_command("import", "polling-data", *[str(a) for a in args], stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_json_summary_has_exactly_the_contract_keys(authority_a):
    out = _run(IMPORTER / "xpress_importer" / "test_democlub.csv", "--authority", authority_a.gss_code, "--json")
    summary = json.loads(out)  # stdout is only the JSON object
    assert set(summary) == CONTRACT_KEYS
    assert summary == {
        "format": "xpress-dc",
        "encoding": "utf-8",
        "delimiter": ",",
        "properties": 4,
        "stations": 2,
        "districts": 2,
        "skipped": [{"row": 4, "reason": "blank postcode"}],
        "warnings": [],
    }
    assert Property.objects.filter(authority=authority_a).count() == 4
    assert AuditEvent.objects.filter(action="register.polling_data.import").count() == 1


@pytest.mark.django_db
def test_tab_delimiter_and_encoding_in_json(authority_a):
    summary = json.loads(_run(WDIV / "encoding-windows1252.tsv", "--authority", authority_a.gss_code, "--json"))
    assert (summary["format"], summary["encoding"], summary["delimiter"]) == ("xpress-dc", "windows-1252", "\t")


@pytest.mark.django_db
def test_dry_run_writes_nothing(authority_a):
    audit_before = AuditEvent.objects.count()
    summary = json.loads(_run(WDIV / "ems-fcs.json", "--authority", authority_a.gss_code, "--dry-run", "--json"))
    assert (summary["format"], summary["properties"], summary["stations"], summary["districts"]) == ("fcs", 6, 2, 2)
    assert not Property.objects.exists()
    assert not PollingStation.objects.exists()
    assert not PollingDistrict.objects.exists()
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.django_db
def test_democracy_counts_two_files_either_order_and_single_stations_file(authority_a):
    gss = authority_a.gss_code
    summary = json.loads(
        _run(WDIV / "ems-dcounts-districts.csv", WDIV / "ems-dcounts-stations.csv", "--authority", gss, "--json")
    )
    assert (summary["format"], summary["properties"], summary["stations"]) == ("democracy-counts", 19, 19)

    alone = json.loads(_run(WDIV / "democracy-counts-utf-16le.csv", "--authority", gss, "--dry-run", "--json"))
    assert (alone["encoding"], alone["stations"], alone["properties"]) == ("utf-16-le", 34, 0)
    assert "districts file missing" in alone["warnings"][0]
    with pytest.raises(CommandError, match="Democracy Counts needs two files"):
        _run(WDIV / "democracy-counts-utf-16le.csv", "--authority", gss, "--json")


@pytest.mark.django_db
def test_human_summary(authority_a):
    out = _run(WDIV / "ems-xpress-weblookup.CSV", "--authority", authority_a.gss_code)
    assert "Civica Xpress WebLookup export (utf-8, delimiter comma)" in out
    assert "Read 9 properties" in out
    again = _run(WDIV / "ems-xpress-weblookup.CSV", "--authority", authority_a.gss_code)
    assert "nothing changed" in again


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("incomplete-file.CSV", "Incomplete file: expected 38 columns on row 10, found 7"),
        ("ems-other.csv", "Unrecognised export"),
        ("not-a-csv.csv", "ZIP archive"),
        ("small-files-empty.csv", "Empty file"),
        ("invalid.json", "Malformed JSON"),
    ],
)
def test_refusals_name_the_file_and_write_nothing(authority_a, name, message):
    with pytest.raises(CommandError) as caught:
        _run(WDIV / name, "--authority", authority_a.gss_code, "--json")
    assert str(caught.value) == f"{WDIV / name}: {caught.value.args[0].split(': ', 1)[1]}"
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not Property.objects.exists()


@pytest.mark.django_db
def test_unknown_authority_and_too_many_files(authority_a):
    with pytest.raises(CommandError, match="No authority with GSS code 'E09999999'"):
        _run(WDIV / "ems-xpress-dc.csv", "--authority", "E09999999")
    with pytest.raises(CommandError, match="Give one export file"):
        _run(
            WDIV / "ems-xpress-dc.csv",
            WDIV / "ems-xpress-dc.csv",
            WDIV / "ems-xpress-dc.csv",
            "--authority",
            "E07000001",
        )


@pytest.mark.django_db
def test_user_is_recorded_in_the_audit_trail(authority_a, make_user):
    from ems.accounts.roles import Role

    user = make_user(Role.MANAGER, authority_a, with_device=False)
    _run(WDIV / "ems-xpress-dc.csv", "--authority", authority_a.gss_code, "--user", user.username)
    assert AuditEvent.objects.get(action="register.polling_data.import").actor == user


# --- the real console script, in a subprocess against a fresh SQLite file --------------------


def _ems(args, env):
    return subprocess.run(
        [sys.executable, "-m", "ems.cli", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("import-cli")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'cli.sqlite3'}",
        EMS_VAR_DIR=str(tmp / "var"),
        DJANGO_SETTINGS_MODULE="ems.config.settings.local",
        PYTHONPATH=str(REPO / "src"),
    )
    assert _ems(["migrate", "--no-input", "-v", "0"], env).returncode == 0
    create = _ems(
        [
            "shell",
            "-c",
            "from ems.core.services import authority_create; authority_create(acting_user=None, name='Cli', "
            "gss_code='E07000077', nation='ENG', authority_type='NMD')",
        ],
        env,
    )
    assert create.returncode == 0, create.stderr
    return env


@pytest.mark.slow
def test_cli_refusal_is_one_line_on_stderr_and_exits_non_zero(cli_env):
    result = _ems(
        ["import", "polling-data", WDIV / "incomplete-file.CSV", "--authority", "E07000077", "--json"], cli_env
    )
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].endswith("incomplete-file.CSV: Incomplete file: expected 38 columns on row 10, found 7")


@pytest.mark.slow
def test_cli_success_prints_only_the_json_and_is_idempotent(cli_env):
    args = ["import", "polling-data", IMPORTER / "halarose_importer" / "test.csv", "--authority", "E07000077", "--json"]
    first = _ems(args, cli_env)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert set(summary) == CONTRACT_KEYS
    assert (summary["format"], summary["properties"], summary["stations"], summary["districts"]) == (
        "idox-eros-2026",
        4,
        3,
        2,
    )
    second = _ems(args[:-1], cli_env)  # human summary this time
    assert second.returncode == 0, second.stderr
    assert "nothing changed" in second.stdout
