"""``ems fees register-sale``: prints only the fee; bad input is one CommandError line. No database."""

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ems_rules import fees


def _fee(*args: str) -> str:
    out = io.StringIO()
    call_command("fees", "register-sale", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--document", "full", "--form", "data", "--entries", "0"], "£20.00"),
        (["--document", "full", "--form", "data", "--entries", "1000"], "£21.50"),
        (["--document", "full", "--form", "data", "--entries", "1001"], "£23.00"),
        (["--document", "full", "--form", "printed", "--entries", "245500"], "£1,240.00"),
        (["--document", "open", "--form", "printed", "--entries", "999"], "£15.00"),
        (["--document", "notices", "--form", "data", "--entries", "12"], "£21.50"),
        (["--document", "overseas", "--form", "data", "--entries", "101"], "£23.00"),
        (["--document", "overseas", "--form", "printed", "--entries", "1250"], "£75.00"),
        (["--document", "marked", "--form", "data", "--entries", "75000"], "£85.00"),
        (["--document", "marked", "--form", "printed", "--entries", "75001", "--date", "2026-05-08"], "£162.00"),
        (["--document", "full", "--form", "data", "--entries", "5000", "--nation", "WLS"], "£27.50"),
    ],
)
def test_prints_only_the_fee(args, expected):
    assert _fee(*args) == expected + "\n"


def test_default_date_is_today_and_agrees_with_the_rules():
    expected = fees.sale_fee_pence("full", "data", 75_000, on=dt.date.today())
    assert _fee("--document", "full", "--form", "data", "--entries", "75000") == fees.format_pounds(expected) + "\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--document", "draft", "--form", "data", "--entries", "1"], "unknown document 'draft'"),
        (["--document", "full", "--form", "braille", "--entries", "1"], "unknown form 'braille'"),
        (["--document", "full", "--form", "data", "--entries", "-5"], "whole number of 0 or more"),
        (["--document", "full", "--form", "data", "--entries", "1.5"], "whole number of 0 or more"),
        (["--document", "full", "--form", "data", "--entries", "ten"], "whole number of 0 or more"),
        (["--document", "full", "--form", "data", "--entries", "1", "--date", "2026-02-30"], "YYYY-MM-DD"),
        (["--document", "full", "--form", "data", "--entries", "1", "--date", "01/03/2026"], "YYYY-MM-DD"),
        (["--document", "full", "--form", "data", "--entries", "1", "--date", "2001-01-01"], "earliest record"),
        (["--document", "full", "--form", "data", "--entries", "1", "--nation", "SCT"], "no fee is recorded"),
        (["--document", "marked", "--form", "data", "--entries", "1", "--nation", "NIR"], "no fee is recorded"),
        (["--document", "full", "--form", "data", "--entries", "1", "--nation", "FRA"], "unknown nation 'FRA'"),
        (["--document", "full", "--form", "data"], "required: --entries"),
    ],
)
def test_bad_input_is_one_clear_command_error(args, message):
    with pytest.raises(CommandError, match=message) as raised:
        _fee(*args)
    assert "\n" not in str(raised.value)


def test_subcommand_is_required():
    with pytest.raises(CommandError, match="register-sale"):
        call_command("fees", stdout=io.StringIO())


@pytest.mark.slow
def test_command_line_prints_the_fee_and_fails_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="ems.config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        EMS_VAR_DIR=str(tmp_path / "var"),
        PYTHONIOENCODING="utf-8",
    )

    def ems(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ems.cli", "fees", "register-sale", *args],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )

    ok = ems("--document", "full", "--form", "printed", "--entries", "245500", "--date", "2026-01-01")
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "£1,240.00\n", "")

    for bad in (
        ["--document", "full", "--form", "data", "--entries", "-5"],  # rejected in handle()
        ["--document", "full", "--form", "data"],  # rejected by the argument parser
    ):
        result = ems(*bad)
        assert result.returncode != 0
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert "CommandError" in result.stderr
