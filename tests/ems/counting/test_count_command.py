"""``ems count``: the CLI contract (JSON shape, systems, bad files as one CommandError line).

The figures are the published results also used in tests/rules/count (sources cited there):
Glasgow 2022 Ward 13 (STV), London Assembly 2021 (AMS), London mayor 2021 (SV), Hendon 2024
(FPTP) and the Scottish Parliament 2016 Glasgow region (D'Hondt with constituency seats).
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

WARD13 = Path("/work/shared/data/stv-glasgow-2022/blt/glasgow_2022_ward13.blt")


def _count(*args: str) -> str:
    out = io.StringIO()
    call_command("count", *args, stdout=out)
    return out.getvalue()


def _json(*args: str) -> dict:
    return json.loads(_count(*args, "--json"))


def _csv(tmp_path: Path, text: str, name: str = "votes.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_stv_scotland_json_contract():
    data = _json("--system", "stv-scotland", "--ballots", str(WARD13))
    assert data["elected"] == ["Bill BUTLER", "Chris CUNNINGHAM", "Malcolm MITCHELL", "Eva Clark MURRAY"]
    assert data["quota"] == 1726
    assert data["tie_breaks"] == []
    first = data["stages"][0]
    assert (first["stage"], first["action"]) == (1, "First preferences")
    assert first["totals"]["Eva Clark MURRAY"] == "940.00000"
    assert data["stages"][1]["totals"]["Eva Clark MURRAY"] == "1438.38037"
    assert [s["stage"] for s in data["stages"]] == [1, 2, 3, 4, 5, 6]


def test_stv_ni_json_uses_two_decimal_places():
    data = _json("--system", "stv-ni", "--ballots", str(WARD13))
    assert data["system"] == "stv-ni"
    assert data["stages"][0]["totals"]["Eva Clark MURRAY"] == "940.00"
    assert len(data["elected"]) == 4


def test_stv_text_output():
    text = _count("--system", "stv-scotland", "--ballots", str(WARD13))
    assert "Valid votes 8629, quota 1726" in text
    assert text.rstrip().endswith("Elected: Bill BUTLER, Chris CUNNINGHAM, Malcolm MITCHELL, Eva Clark MURRAY")


def test_stv_tie_needs_a_seed_and_the_seed_is_recorded(tmp_path):
    blt = _csv(tmp_path, '3 1\n1 1 0\n1 2 0\n1 3 0\n0\n"A"\n"B"\n"C"\n"Tie"\n', "tie.blt")
    with pytest.raises(CommandError, match="must be decided by lot; give a recorded seed"):
        _count("--system", "stv-scotland", "--ballots", blt)
    data = _json("--system", "stv-scotland", "--ballots", blt, "--seed", "1234")
    lots = [t for t in data["tie_breaks"] if t["method"] == "lot"]
    assert lots and lots[0]["seed"] == 1234 and lots[0]["candidates"] == ["A", "B", "C"]
    assert _json("--system", "stv-scotland", "--ballots", blt, "--seed", "1234") == data  # recount


def test_fptp_single_seat(tmp_path):
    votes = _csv(
        tmp_path,
        "candidate,party,votes\nDavid Pinto-Duschinsky,Labour,15855\nAmeet Jogia,Conservative,15840\n"
        "Joshua Pearl,Reform UK,3038\nGabrielle Bailey,Green,2667\n",
    )
    data = _json("--system", "fptp", "--votes", votes)
    assert (data["elected"], data["majority"], data["tie_breaks"]) == (["David Pinto-Duschinsky"], 15, [])


def test_fptp_multi_member_and_paper_check(tmp_path):
    votes = _csv(tmp_path, "candidate,party,votes\nA,X,10\nB,Y,8\nC,Z,5\n")
    assert _json("--system", "fptp", "--seats", "2", "--votes", votes)["elected"] == ["A", "B"]
    with pytest.raises(CommandError, match="23 votes is more than 11 ballot papers × 2 seat"):
        _count("--system", "fptp", "--seats", "2", "--votes", votes, "--ballot-papers", "11")


def test_sv_aggregate_and_paper_forms(tmp_path):
    aggregate = _csv(
        tmp_path,
        "candidate,party,first,second\nSadiq Khan,Labour,1013721,192313\nShaun Bailey,Conservative,893051,84550\n"
        "Siân Berry,Green,197976,0\nLuisa Porritt,Liberal Democrat,111716,0\n",
    )
    data = _json("--system", "sv", "--votes", aggregate)
    assert data["elected"] == ["Sadiq Khan"]
    assert data["final"] == {"Sadiq Khan": 1206034, "Shaun Bailey": 977601}
    papers = _csv(tmp_path, "first,second,votes\nA,B,40\nB,A,35\nC,B,15\nC,A,4\nC,,3\n", "papers.csv")
    assert _json("--system", "sv", "--votes", papers)["final"] == {"A": 44, "B": 50}


def test_dhondt(tmp_path):
    votes = _csv(tmp_path, "party,votes\nA,1000\nB,600\nC,240\n")
    data = _json("--system", "dhondt", "--seats", "6", "--votes", votes)
    assert data["elected"] == ["A", "B", "A", "A", "B", "A"]
    assert data["seats_won"] == {"A": 4, "B": 2, "C": 0}
    assert data["rounds"][0] == {"round": 1, "party": "A", "votes": 1000, "divisor": 1, "quotient": "1000.000000"}


def test_ams_london_assembly_2021(tmp_path):
    votes = _csv(
        tmp_path,
        "party,votes,constituency_seats\nLabour,986609,9\nConservative,795081,5\nGreen,305452,0\n"
        "Liberal Democrat,189622,0\n",
    )
    data = _json("--system", "ams", "--seats", "11", "--threshold", "5", "--votes", votes)
    assert data["seats_won"] == {"Labour": 2, "Conservative": 4, "Green": 3, "Liberal Democrat": 2}
    assert data["constituency_seats"] == {"Labour": 9, "Conservative": 5, "Green": 0, "Liberal Democrat": 0}


@pytest.mark.parametrize(
    ("args", "files", "message"),
    [
        (["--system", "borda"], {}, "unknown system 'borda'"),
        (["--system", "stv-scotland"], {}, "needs --ballots"),
        (["--system", "fptp"], {}, "needs --votes"),
        (["--system", "stv-scotland", "--ballots", "{missing}"], {}, "cannot read"),
        (["--system", "stv-scotland", "--ballots", "{f}"], {"f": "2 1\n1 1 3 0\n0\n"}, "line 2: unknown candidate"),
        (["--system", "stv-scotland", "--ballots", "{f}"], {"f": "2 1\n1 1\n0\n"}, "line 2: ballot must end with 0"),
        (["--system", "stv-ni", "--ballots", "{f}"], {"f": "2 1\n-1 1 0\n0\n"}, "line 2: withdrawn"),
        (["--system", "fptp", "--votes", "{f}"], {"f": "name,votes\nA,1\nB,2\n"}, "line 1: header must have"),
        (["--system", "fptp", "--votes", "{f}"], {"f": "candidate,votes\nA,1\nB,-2\n"}, "line 3: votes must be"),
        (["--system", "fptp", "--votes", "{f}"], {"f": "candidate,votes\nA,1\nA,2\n"}, "line 3: candidate 'A'"),
        (["--system", "fptp", "--votes", "{f}"], {"f": "candidate,votes\n"}, "header but no rows"),
        (["--system", "fptp", "--votes", "{f}"], {"f": ""}, "is empty"),
        (["--system", "fptp", "--votes", "{f}", "--seats", "0"], {"f": "candidate,votes\nA,1\nB,2\n"}, "--seats"),
        (["--system", "fptp", "--votes", "{f}", "--seed", "x"], {"f": "candidate,votes\nA,1\nB,2\n"}, "--seed"),
        (["--system", "fptp", "--votes", "{f}"], {"f": "candidate,votes\nA,1\n"}, "uncontested"),
        (["--system", "sv", "--votes", "{f}"], {"f": "who,votes\nA,1\n"}, "candidate,party,first,second"),
        (["--system", "dhondt", "--votes", "{f}"], {"f": "party,votes\nA,1\n"}, "needs --seats"),
        (
            ["--system", "sv", "--votes", "{f}", "--seats", "2"],
            {"f": "first,second,votes\nA,,1\n"},
            "--seats must be 1",
        ),
        (
            ["--system", "ams", "--votes", "{f}", "--seats", "1", "--threshold", "five"],
            {"f": "party,votes\nA,1\n"},
            "--threshold",
        ),
        (["--system", "fptp"], {}, "needs --votes"),
        ([], {}, "--system"),
    ],
)
def test_bad_input_is_one_clear_command_error(tmp_path, args, files, message):
    paths = {key: _csv(tmp_path, text, f"{key}.txt") for key, text in files.items()}
    paths["missing"] = str(tmp_path / "missing.blt")
    filled = [a.format(**paths) if a.startswith("{") else a for a in args]
    with pytest.raises(CommandError, match=message) as raised:
        _count(*filled)
    assert "\n" not in str(raised.value)


def test_non_utf8_csv_is_refused(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("candidate,votes\nJosé,1\nB,2\n".encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8"):
        _count("--system", "fptp", "--votes", str(path))


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
            [sys.executable, "-m", "ems.cli", "count", *args],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )

    ok = ems("--system", "stv-scotland", "--ballots", str(WARD13), "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["quota"] == 1726
    bad_blt = tmp_path / "bad.blt"
    bad_blt.write_text("2 1\n1 1 2\n0\n", encoding="utf-8")
    for bad in (
        ["--system", "stv-scotland", "--ballots", str(bad_blt)],  # rejected by the parser
        ["--system", "stv-scotland"],  # rejected in handle()
        ["--ballots", str(WARD13)],  # rejected by the argument parser
    ):
        result = ems(*bad)
        assert result.returncode != 0
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert "CommandError" in result.stderr
