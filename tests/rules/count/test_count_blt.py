"""BLT preference profiles (ems_rules.count.blt): the format Scottish councils publish under
SSI 2011/399 Sch 1 r.56(c)(va) (inserted by SSI 2012/342), and its errors."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ems_rules.count import CountInputError, parse_blt, read_blt
from ems_rules.count.blt import decode_blt, repair_mojibake

GLASGOW = Path("/work/shared/data/stv-glasgow-2022/blt")

GOOD = '''4 2
-4
3 1 2 0
2 2 3 1 0
1 3 0
1 4 3 0
2 4 0
0
"Ann ADAMS ""Red Party"""
"Bob BROWN"
"Cat ""Kit"" COLE ""Blue Party"""
"Dee DAY ""Withdrawn Party"""
"Example ward"
'''


def test_parses_header_withdrawn_ballots_names_and_title():
    e = parse_blt(GOOD)
    assert (e.seats, e.title, e.names) == (2, "Example ward", ("Ann ADAMS", "Bob BROWN", 'Cat "Kit" COLE', "Dee DAY"))
    assert [c.party for c in e.candidates] == ["Red Party", "", "Blue Party", "Withdrawn Party"]
    assert e.withdrawn == frozenset({3})
    # preferences are 0-based; the withdrawn candidate (4) is skipped; "2 4 0" is left blank
    assert [(b.preferences, b.weight) for b in e.ballots] == [((0, 1), 3), ((1, 2, 0), 2), ((2,), 1), ((2,), 1)]
    assert e.blank_papers == 2


def test_glasgow_ward_file_with_an_unquoted_title_and_no_final_newline():
    e = read_blt(GLASGOW / "glasgow_2022_ward1.blt")
    assert (len(e.candidates), e.seats, e.title) == (9, 4, "Ward 1 Linn")
    assert e.candidates[0].name == "Euan BLOCKLEY"
    assert e.candidates[0].party == "Scottish Conservative and Unionist"
    assert sum(b.weight for b in e.ballots) == 8994


def test_glasgow_double_encoded_names_are_repaired():
    # The published files hold "LeÃ³dhas" (UTF-8 read as Latin-1 and saved again): SOURCE.md.
    ward2 = read_blt(GLASGOW / "glasgow_2022_ward2.blt")
    assert "Leódhas Iain MASSIE" in ward2.names
    ward22 = read_blt(GLASGOW / "glasgow_2022_ward22.blt")
    assert any(name.startswith("Oisín ") for name in ward22.names)


def test_mojibake_repair_only_where_it_round_trips():
    assert repair_mojibake("LeÃ³dhas") == "Leódhas"
    assert repair_mojibake("Ã") == "Ã"  # not a UTF-8 sequence: left alone
    assert repair_mojibake("Ángel") == "Ángel"  # genuine accents are left alone
    assert repair_mojibake("plain") == "plain"


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2FF), max_size=12))
def test_repair_undoes_any_latin1_double_encoding(name):
    doubled = name.encode("utf-8").decode("latin-1")
    repaired = repair_mojibake(doubled)
    assert repaired in (name, doubled)
    if any(ord(c) > 0x7F for c in name) and doubled != name:
        assert repaired == name


def test_decoding_falls_back_from_utf8():
    assert decode_blt("é".encode()) == "é"
    assert decode_blt(b"\xef\xbb\xbf1 1") == "1 1"  # BOM dropped
    assert decode_blt("é".encode("cp1252")) == "é"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: the file is empty"),
        ("3\n", "line 1: first line must be 'candidates seats'"),
        ("2 x\n", "line 1: expected whole numbers, found 'x'"),
        ("2 0\n", "line 1: number of seats must be at least 1"),
        ("2 1\n1 1 2\n0\n", "line 2: ballot must end with 0"),
        ("2 1\n1 1 3 0\n0\n", "line 2: unknown candidate number 3 \\(candidates are 1 to 2\\)"),
        ("2 1\n-1 1 0\n0\n", "line 2: withdrawn candidates are written -1 to -2, found 1"),
        ("2 1\n1 -1 0\n", "line 2: unknown candidate number -1"),
        ("2 1\n1 1 0\n-2 1 0\n0\n", "line 3: ballot weight must be a positive whole number, not -2"),
        ("2 1\n1 1 1 0\n0\n", "line 2: a candidate appears twice"),
        ("2 1\n1 1 0 2 0\n0\n", "line 2: 0 may only end a ballot"),
        ("2 1\n1 1 0\n", "line 3: end of file before the '0' line"),
        ('2 1\n1 1 0\n"A"\n"B"\n', "line 3: candidate names began before the '0' line"),
        ('2 1\n1 1 0\n0\n"A"\n', "line 5: expected 2 candidate names after the ballots, found 1"),
        ('2 1\n1 1 0\n0\nA\n"B"\n', "line 4: candidate name must be in double quotes"),
        ('2 1\n1 1 0\n0\n"A"\n"A"\n', "line 5: candidate name 'A' is used twice"),
        ('2 1\n1 1 0\n0\n"A"\n"B"\n"T"\nextra\n', "line 7: unexpected text after the title"),
        ('2 2\n1 1 0\n0\n"A"\n"B"\n', "line 1: 2 seat\\(s\\) and 2 standing candidate\\(s\\)"),
        ('3 2\n-3\n1 1 0\n0\n"A"\n"B"\n"C"\n', "2 seat\\(s\\) and 2 standing"),
        ('2 1\n1 0\n0\n"A"\n"B"\n', "the file has no valid ballots"),
        ('2 1\n1 1 0\n0\n"A " B"\n"B"\n', "line 4: candidate name has an unpaired quote"),
    ],
)
def test_bad_files_give_one_clear_line(text, message):
    with pytest.raises(CountInputError, match=message) as raised:
        parse_blt(text)
    assert "\n" not in str(raised.value)


def test_unreadable_file(tmp_path):
    with pytest.raises(CountInputError, match="cannot read"):
        read_blt(tmp_path / "missing.blt")
