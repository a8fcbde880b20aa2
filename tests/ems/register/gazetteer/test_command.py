"""``ems gazetteer import``: in-process through call_command, and once as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from gazetteer_samples import write_dtf

from ems.register.models import Property

pytestmark = pytest.mark.django_db


def gazetteer(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("gazetteer", "import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_detects_the_format_and_prints_the_report(authority_a, abp_file, dtf_file):
    out, _ = gazetteer(str(abp_file), "--authority", "E07000001")
    assert "9 new, 0 changed, 0 retired" in out and "full addressbase-plus" in out
    out, _ = gazetteer(str(dtf_file), "--authority", "e07000001", "--json")
    report = json.loads(out)
    assert (report["source"], report["new"], report["supply"]) == ("dtf", 9, "full")
    again = json.loads(gazetteer(str(dtf_file), "--authority", "E07000001", "--json", "--format", "dtf")[0])
    assert (again["new"], again["changed"], again["retired"], again["unchanged"]) == (0, 0, 0, 9)
    assert Property.objects.filter(authority=authority_a).count() == 18


def test_dry_run_and_change_supply(authority_a, abp_file):
    out, _ = gazetteer(str(abp_file), "--authority", "E07000001", "--dry-run")
    assert out.startswith("Dry run (nothing written)") and not Property.objects.exists()
    report = json.loads(gazetteer(str(abp_file), "--authority", "E07000001", "--supply", "change", "--json")[0])
    assert report["supply"] == "change-only"


def test_bad_input_is_one_clear_line(authority_a, dtf_file, tmp_path):
    lines = dtf_file.read_text().splitlines()
    bad = write_dtf(tmp_path / "bad.csv", [*lines[:-1], "99,0,3,2026-02-27,101500"], fix_count=False)
    with pytest.raises(CommandError) as info:
        gazetteer(str(bad), "--authority", "E07000001")
    assert str(info.value) == f"{bad}:47: trailer says 3 records but the file has 45 (truncated or edited?)"
    assert not Property.objects.exists()
    other = tmp_path / "other.txt"
    other.write_text("hello\n")
    with pytest.raises(CommandError, match=r"other.txt:1: unknown format"):
        gazetteer(str(other), "--authority", "E07000001")
    with pytest.raises(CommandError, match="No authority with GSS code 'E07999999'"):
        gazetteer(str(dtf_file), "--authority", "E07999999")


@pytest.mark.slow
def test_subprocess_import_then_a_one_line_error(tmp_path, dtf_file):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'gaz.sqlite3'}",
        EMS_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="ems.config.settings.local",
    )

    def ems(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ems.cli", *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    assert ems("migrate", "--no-input", "-v", "0").returncode == 0
    create = (
        "from ems.core.services import authority_create; "
        "authority_create(acting_user=None, name='Alpha', gss_code='E07000001', nation='ENG', authority_type='NMD')"
    )
    assert ems("shell", "-c", create).returncode == 0
    ok = ems("gazetteer", "import", str(dtf_file), "--authority", "E07000001")
    assert ok.returncode == 0, ok.stderr
    assert "9 new, 0 changed, 0 retired" in ok.stdout and "Importing: 11/11 UPRNs (100%)" in ok.stderr
    truncated = write_dtf(tmp_path / "truncated.csv", dtf_file.read_text().splitlines()[:30], fix_count=False)
    bad = ems("gazetteer", "import", str(truncated), "--authority", "E07000001")
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        f"CommandError: {truncated}:30: no trailer record (type 99): the file is truncated"
    ]
