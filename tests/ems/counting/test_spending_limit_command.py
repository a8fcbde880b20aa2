"""``ems spending-limit``: prints only the limit; bad input is one CommandError line. No database.

Figures: EC local candidate guidance Examples A and B (7,500 electors: £1,560; two joint
candidates £1,170); Hounslow UKPGE 2024 (Brentford & Isleworth 77,874 electors: £17,619.92);
Mole Valley UKPGE 2024 (69,943 electors, county: £19,783.16); SI 2023/1227 (PCC Avon &
Somerset £305,130). Sources in tests/rules/test_spending.py and ems_rules.spending.
"""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _limit(*args: str) -> str:
    out = io.StringIO()
    call_command("spending-limit", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "poll", "electorate", "extra", "expected"),
    [
        ("local", "2026-05-07", "7500", [], "£1,560.00"),
        ("local", "2026-05-07", "7500", ["--joint-candidates", "2"], "£1,170.00"),
        ("ukpge", "2024-07-04", "77874", ["--constituency-type", "borough"], "£17,619.92"),
        ("ukpge", "2024-07-04", "69943", ["--constituency-type", "county"], "£19,783.16"),
        ("pcc", "2024-05-02", "1300000", ["--police-area", "Avon & Somerset"], "£305,130.00"),
        ("mayor-ca", "2021-05-06", "1000000", ["--constituent-councils", "7"], "£75,534.00"),
        ("gla", "2024-05-02", "1", ["--contest", "london-wide"], "£597,460.00"),
        (
            "scottish-parliament",
            "2021-05-06",
            "60000",
            ["--constituency-type", "burgh", "--nation", "SCT"],
            "£12,300.00",
        ),
        ("local", "2026-05-07", "7500", ["--nation", "WLS"], "£1,190.00"),
    ],
)
def test_prints_only_the_limit(kind, poll, electorate, extra, expected):
    args = ["--election-type", kind, "--poll-date", poll, "--electorate", electorate, *extra]
    assert _limit(*args) == expected + "\n"


BASE = ["--poll-date", "2026-05-07", "--electorate", "7500"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--election-type", "council", *BASE], "unknown election type 'council'"),
        (["--election-type", "local", "--poll-date", "2026-02-30", "--electorate", "1"], "YYYY-MM-DD"),
        (["--election-type", "local", "--poll-date", "07/05/2026", "--electorate", "1"], "YYYY-MM-DD"),
        (["--election-type", "local", "--poll-date", "2026-05-07", "--electorate", "-5"], "whole number of 0 or more"),
        (["--election-type", "local", "--poll-date", "2026-05-07", "--electorate", "7.5"], "whole number of 0 or more"),
        (["--election-type", "local", *BASE, "--joint-candidates", "0"], "whole number of 1 or more"),
        (["--election-type", "ukpge", *BASE], "constituency-type"),
        (["--election-type", "ukpge", *BASE, "--constituency-type", "city"], "borough or county"),
        (["--election-type", "local", *BASE, "--nation", "FRA"], "unknown nation 'FRA'"),
        (["--election-type", "local", *BASE, "--nation", "SCT"], "no spending limit is recorded"),
        (["--election-type", "pcc", *BASE, "--police-area", "Kent"], "no PCC limit is recorded"),
        (["--election-type", "ukp-by", *BASE], "SI 2023/1235"),
        (["--election-type", "local", "--poll-date", "2010-05-06", "--electorate", "1"], "earliest record"),
        (["--election-type", "local", "--poll-date", "2026-05-07"], "required: --electorate"),
        (["--election-type", "pcc", *BASE, "--joint-candidates", "2", "--police-area", "Bedfordshire"], "joint"),
    ],
)
def test_bad_input_is_one_clear_command_error(args, message):
    with pytest.raises(CommandError, match=message) as raised:
        _limit(*args)
    assert "\n" not in str(raised.value)


@pytest.mark.slow
def test_command_line_prints_the_limit_and_fails_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="ems.config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        EMS_VAR_DIR=str(tmp_path / "var"),
        PYTHONIOENCODING="utf-8",
    )

    def ems(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ems.cli", "spending-limit", *args],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )

    ok = ems("--election-type", "local", *BASE)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "£1,560.00\n", "")

    for bad in (
        ["--election-type", "ukpge", *BASE],  # rejected in handle()
        ["--election-type", "local", "--poll-date", "2026-05-07"],  # rejected by the argument parser
    ):
        result = ems(*bad)
        assert result.returncode != 0
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert "CommandError" in result.stderr
