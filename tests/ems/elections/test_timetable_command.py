"""``ems timetable``: the JSON contract, the readable table, and one-line errors. No database.

Dates are the EC timetables tested in tests/rules/test_timetables.py (local elections 7 May 2026,
elections.md §2.3; UK general election 4 July 2024).
"""

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("timetable", *args, stdout=out)
    return out.getvalue()


def as_json(election_type: str, nation: str, poll_date: str) -> dict:
    return json.loads(run("--election-type", election_type, "--nation", nation, "--poll-date", poll_date, "--json"))


def test_json_contract_for_local_elections_7_may_2026():
    data = as_json("local", "ENG", "2026-05-07")
    assert list(data) == ["election_type", "nation", "poll_date", "deadlines", "ro_chooses", "warnings"]
    assert (data["election_type"], data["nation"], data["poll_date"]) == ("local", "ENG", "2026-05-07")
    assert data["deadlines"] == {
        "notice_of_election": "2026-03-30",
        "close_of_nominations": "2026-04-09T16:00",
        "withdrawal_of_candidature": "2026-04-09T16:00",
        "appointment_of_election_agents": "2026-04-09T16:00",
        "sopn_publication": "2026-04-10T16:00",
        "registration": "2026-04-20",
        "postal_vote_application": "2026-04-21T17:00",
        "proxy_application": "2026-04-28T17:00",
        "vac_application": "2026-04-28T17:00",
        "notice_of_poll": "2026-04-28",
        "anonymous_registration": "2026-04-28",
        "final_notice_of_alteration": "2026-04-29",
        "appointment_of_polling_and_counting_agents": "2026-04-29",
        "replacement_lost_postal_from": "2026-04-30",
        "emergency_proxy": "2026-05-07T17:00",
        "close_of_poll": "2026-05-07T22:00",
    }
    assert data["ro_chooses"] == []
    assert data["warnings"] == []


REQUIRED_KEYS = {
    "notice_of_election",
    "close_of_nominations",
    "withdrawal_of_candidature",
    "appointment_of_election_agents",
    "sopn_publication",
    "notice_of_poll",
    "registration",
    "anonymous_registration",
    "postal_vote_application",
    "proxy_application",
    "vac_application",
    "final_notice_of_alteration",
    "appointment_of_polling_and_counting_agents",
    "replacement_lost_postal_from",
    "emergency_proxy",
    "close_of_poll",
}


def test_uk_general_election_has_every_contract_key():
    data = as_json("ukpge", "ENG", "2024-07-04")
    assert set(data["deadlines"]) >= REQUIRED_KEYS
    assert data["deadlines"]["notice_of_election"] == "2024-06-04T16:00"
    assert data["deadlines"]["close_of_nominations"] == "2024-06-07T16:00"
    assert data["deadlines"]["postal_vote_application"] == "2024-06-19T17:00"


def test_keys_that_do_not_apply_are_left_out():
    parish = as_json("parish", "ENG", "2026-05-07")["deadlines"]
    assert "appointment_of_election_agents" not in parish  # parish candidates have no election agent
    senedd = as_json("senedd", "WLS", "2026-05-07")["deadlines"]
    assert "vac_application" not in senedd  # no voter ID at Senedd elections


def test_by_election_dates_the_ro_chooses_are_listed_separately():
    data = as_json("ukp-by", "ENG", "2023-07-20")
    assert "close_of_nominations" not in data["deadlines"]
    chosen = {c["key"]: (c["earliest"], c["latest"]) for c in data["ro_chooses"]}
    assert chosen["close_of_nominations"] == ("2023-06-23", "2023-06-27")
    assert all(c["citation"] for c in data["ro_chooses"])


def test_poll_on_a_dies_non_is_allowed_with_a_warning():
    data = as_json("local", "ENG", "2026-05-04")  # early May bank holiday
    assert any("dies non" in w for w in data["warnings"])


def test_readable_table():
    text = run("--election-type", "scottish-parliament", "--nation", "SCT", "--poll-date", "2026-05-07")
    assert text.startswith("Scottish Parliament election (scottish-parliament), SCT, poll Thu 07 May 2026")
    assert "Wed 01 Apr 2026  16:00  close_of_nominations" in text
    assert "Dates the Returning Officer chooses:" in text
    assert "Mon 16 Mar 2026 to Wed 25 Mar 2026" in text
    cited = run("--election-type", "local", "--nation", "ENG", "--poll-date", "2026-05-07", "--citations")
    assert "SI 2006/3304" in cited


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--election-type", "general", "--nation", "ENG", "--poll-date", "2026-05-07"], "unknown election type"),
        (["--election-type", "local", "--nation", "FRA", "--poll-date", "2026-05-07"], "unknown nation 'FRA'"),
        (["--election-type", "gla", "--nation", "SCT", "--poll-date", "2026-05-07"], "no gla timetable for SCT"),
        (["--election-type", "senedd", "--nation", "ENG", "--poll-date", "2026-05-07"], "only in WLS"),
        (["--election-type", "local", "--nation", "ENG", "--poll-date", "2026-02-30"], "real date written YYYY-MM-DD"),
        (["--election-type", "local", "--nation", "ENG", "--poll-date", "7/5/2026"], "real date written YYYY-MM-DD"),
        (
            ["--election-type", "local", "--nation", "ENG", "--poll-date", "2001-05-03"],
            "no local timetable is recorded",
        ),
        (["--election-type", "local", "--nation", "ENG"], "required: --poll-date"),
    ],
)
def test_bad_input_is_one_clear_command_error(args, message):
    with pytest.raises(CommandError, match=message) as raised:
        run(*args)
    assert "\n" not in str(raised.value)


@pytest.mark.slow
def test_command_line_prints_json_and_fails_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="ems.config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        EMS_VAR_DIR=str(tmp_path / "var"),
        PYTHONIOENCODING="utf-8",
    )

    def ems(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ems.cli", "timetable", *args],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )

    ok = ems("--election-type", "ukpge", "--nation", "NIR", "--poll-date", "2024-07-04", "--json")
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr == ""
    assert json.loads(ok.stdout)["deadlines"]["postal_vote_application"] == "2024-06-14T17:00"

    for bad in (
        ["--election-type", "pcc", "--nation", "NIR", "--poll-date", "2024-05-02"],  # rejected by the rules
        ["--election-type", "pcc", "--nation", "ENG", "--poll-date", "2024-13-01"],  # not a date
        ["--election-type", "pcc", "--nation", "ENG"],  # rejected by the argument parser
    ):
        result = ems(*bad)
        assert result.returncode != 0
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert "CommandError" in result.stderr
