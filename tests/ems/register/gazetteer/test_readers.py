"""The two readers and format detection: field mapping, rules, and one-line errors for bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from gazetteer_samples import ABP_DIR, DTF_SAMPLE, abp_rows, write_dtf

from ems.register.gazetteer import GazetteerError, detect_format, open_reader
from ems.register.gazetteer.records import derive_status, dpa_lines, fit_lines, lpi_lines, parse_uprn


# ---- AddressBase Plus ------------------------------------------------------------------------------
def test_addressbase_plus_samples_read_with_their_fields(abp_file):
    reader = open_reader(abp_file)
    records = {r.uprn: r for r in reader}
    assert len(records) == 9 and reader.full_supply is True
    flat = records[10000000005]  # LPI address (no UDPRN): a Cardiff flat with a parent UPRN
    assert flat.lines == ("FLAT 2", "114 LLANDAFF ROAD", "RIVERSIDE", "CARDIFF")
    assert flat.postcode == "CF11 9PU" and flat.parent_uprn == 100100892261
    assert (flat.easting, flat.northing) == (316428.0, 177020.0)
    assert (flat.latitude, flat.longitude) == (51.4859331, -3.2050007)
    assert (flat.classification, flat.status, flat.usrn) == ("RD06", "residential", 5801201)
    assert flat.source_updated == dt.date(2018, 12, 9)
    house = records[10000000001]  # DPA (Royal Mail) address preferred
    assert house.lines == ("53 FALLOWFIELD ROAD", "HALESOWEN") and house.postcode == "B63 1BZ"


def test_each_sample_file_alone(tmp_path):
    assert [r.uprn for r in open_reader(ABP_DIR / "addressbase_test1.csv")] == [10000000001 + i for i in range(4)]
    assert detect_format(ABP_DIR / "addressbase_test2.csv") == "addressbase-plus"


def test_a_change_only_addressbase_file_is_not_a_full_supply(tmp_path):
    rows = abp_rows()
    path = tmp_path / "cou.csv"
    path.write_text(rows[0].replace(',"I",', ',"D",', 1) + "\n")
    reader = open_reader(path)
    (record,) = list(reader)
    assert record.retiring and reader.full_supply is False


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda row: "ABC" + row[row.index(",") :], "UPRN must be a whole number"),
        (lambda row: "1234567890123" + row[row.index(",") :], "more than 12 digits"),
        (lambda row: row.rsplit(",", 5)[0], "expected 77 AddressBase Plus fields, found 72"),
        (lambda row: row.replace(',"I",', ',"X",', 1), "CHANGE_TYPE must be I, U or D"),
        (lambda row: row.replace("394863.00", "east"), "X_COORDINATE must be a number"),
        (lambda row: row.replace('"RD03"', '"RD03X99"', 1), "longer than 6 characters"),
    ],
)
def test_a_bad_addressbase_row_names_file_line_and_problem(tmp_path, mutate, problem):
    rows = abp_rows()
    rows[1] = mutate(rows[1])
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(GazetteerError) as info:
        list(open_reader(path, "addressbase-plus"))
    assert str(info.value).startswith(f"{path}:2: ") and problem in str(info.value)
    assert "\n" not in str(info.value)


def test_an_unterminated_quote_is_a_malformed_line(tmp_path):
    rows = abp_rows()
    rows[2] = rows[2].replace('"FALLOWFIELD ROAD"', '"FALLOWFIELD ROAD', 1)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(GazetteerError, match=r"malformed CSV|fields"):
        list(open_reader(path, "addressbase-plus"))


# ---- DTF 8.1 -----------------------------------------------------------------------------------------
def test_dtf_sample_reads_with_its_fields():
    reader = open_reader(DTF_SAMPLE)
    records = {r.uprn: r for r in reader}
    assert reader.format == "dtf" and reader.full_supply is True and reader.custodian == "EXAMPLE DISTRICT COUNCIL"
    assert len(records) == 11
    flat = records[100090000004]  # English LPI preferred over the Welsh one
    assert flat.lines == ("FLAT 2", "ROSE COURT", "12 HIGH STREET", "EXAMPLETOWN")
    assert (flat.parent_uprn, flat.classification, flat.status) == (100090000002, "RD06", "residential")
    assert (flat.easting, flat.northing, flat.latitude, flat.longitude) == (350422.0, 120162.0, None, None)
    assert flat.usrn == 99000002 and flat.postcode == "EX1 9AB"
    shop = records[100090000005]  # DPA preferred; the current (not end-dated) classification wins
    assert shop.lines == ("EXAMPLE BAKERY LTD", "14A HIGH STREET", "EXAMPLETOWN")
    assert (shop.classification, shop.status) == ("CR08", "non_residential")
    assert records[100090000002].status == "non_residential"  # PP: a parent shell
    assert records[100090000006].status == "demolished" and not records[100090000006].retiring  # BLPU state 4
    assert records[100090000007].retiring and records[100090000007].status == "demolished"  # logical status 8
    assert records[100090000008].status == "empty" and records[100090000008].lines[0] == "7-9 ACACIA AVENUE"
    assert records[100090000009].lines == ("16 HIGH STREET", "EXAMPLETOWN")  # approved LPI beats alternative
    assert records[100090000010].skip  # a street record (class PS)
    assert records[100090000011].postcode == "EX1 9AF" and records[100090000011].source_updated == dt.date(2025, 11, 1)


def _dtf_lines() -> list[str]:
    return DTF_SAMPLE.read_text().splitlines()


@pytest.mark.parametrize(
    ("edit", "line", "problem"),
    [
        (lambda ls: ls[1:], 1, "must start with a header record (type 10)"),
        (lambda ls: ls[:-1], 46, "no trailer record (type 99)"),
        (lambda ls: [*ls[:-1], "99,0,44,2026-02-27,101500"], 47, "trailer says 44 records but the file has 45"),
        (lambda ls: [*ls[:10], ls[10].replace("100090000003", "10009000000X"), *ls[11:]], 11, "UPRN must be"),
        (lambda ls: [*ls[:10], ls[10].replace("100090000003", "1000900000031"), *ls[11:]], 11, "more than 12 digits"),
        (lambda ls: [*ls[:20], '77,"I",1,2', *ls[21:]], 21, "unknown DTF record type '77'"),
        (
            lambda ls: [*ls[:10], ls[10].rsplit(",", 4)[0], *ls[11:]],
            11,
            "record type 21 has 12 fields; DTF 8.1 needs 16",
        ),
        (lambda ls: [ls[0].replace('"8.1"', '"7.3"'), *ls[1:]], 1, "reads DTF 8.1; the header says version '7.3'"),
        (lambda ls: [*ls, '15,"I",1,1,"X","","","","ENG"'], 48, "record after the trailer"),
        (lambda ls: [*ls[:10], ls[9], *ls[11:]], 11, "has a second BLPU record (first on line 10)"),
    ],
)
def test_a_bad_dtf_file_names_file_line_and_problem(tmp_path, edit, line, problem):
    path = write_dtf(tmp_path / "bad.csv", edit(_dtf_lines()), fix_count=False)
    with pytest.raises(GazetteerError) as info:
        list(open_reader(path, "dtf"))
    assert str(info.value).startswith(f"{path}:{line}: "), str(info.value)
    assert problem in str(info.value)


def test_unknown_format_is_one_clear_line(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,address\nA,B\n")
    with pytest.raises(GazetteerError, match=r"other.csv:1: unknown format"):
        detect_format(path)


# ---- rules ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("classification", "state", "logical", "status"),
    [
        ("RD04", "2", "1", "residential"),
        ("RH01", "2", "", "residential"),
        ("RI02", "", "", "residential"),
        ("R", "", "", "residential"),
        ("X", "2", "", "residential"),
        ("", "", "", "residential"),
        ("RG02", "2", "", "non_residential"),
        ("RB", "2", "", "non_residential"),
        ("CR08", "2", "", "non_residential"),
        ("PP", "2", "", "non_residential"),
        ("RD03", "3", "", "empty"),
        ("CR08", "3", "", "non_residential"),
        ("RD03", "4", "", "demolished"),
        ("RD03", "2", "8", "demolished"),
    ],
)
def test_status_rules(classification, state, logical, status):
    assert derive_status(classification, state, logical) == status


def test_address_line_building():
    assert lpi_lines(
        sao_text="", sao_number="2", pao_text="ROSE COURT", pao_number="12", street="HIGH ST", locality="", town="T"
    ) == ["2 ROSE COURT", "12 HIGH ST", "T"]
    assert dpa_lines(
        department="",
        organisation="",
        sub_building="FLAT 1",
        building_name="",
        building_number="7",
        po_box="",
        dependent_thoroughfare="KINGS PARADE",
        thoroughfare="HIGH STREET",
        double_dependent_locality="",
        dependent_locality="",
        post_town="TOWN",
    ) == ["FLAT 1", "7 KINGS PARADE", "HIGH STREET", "TOWN"]
    warnings: list[str] = []
    fitted = fit_lines(["A", "B", "C", "D", "E", "F", "G", "a", "X" * 120], warnings)
    assert len(fitted) == 6 and fitted[0] == "A, B, C" and fitted[-1] == "X" * 100 and warnings


def test_uprn_parsing():
    assert parse_uprn("000010000000001") == 10000000001  # zero-padded exports
    for bad in ("", "0", "-5", "1e5", "1234567890123"):
        with pytest.raises(ValueError):
            parse_uprn(bad)
