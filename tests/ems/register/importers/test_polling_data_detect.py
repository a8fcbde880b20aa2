"""Every real EMS export in ../shared/data/ems-exports is recognised, or refused with one clear line."""

from pathlib import Path

import pytest

from ems.register.importers import ImportFileError, detect_bytes, read_export
from ems.register.importers.detect import identify, normalise_header, sniff_delimiter, sniff_encoding

REPO = Path(__file__).resolve().parents[4]
EXPORTS = REPO.parent / "shared" / "data" / "ems-exports"
FIXTURES = REPO / "tests" / "fixtures" / "ems-exports"

REFUSED = "refused"

# file → (format, encoding, delimiter) or (REFUSED, substring of the one-line message).
# A file added to the shared folder without a line here fails test_the_table_covers_every_file.
EXPECTED = {
    "SOURCE.md": (REFUSED, "Unrecognised export"),  # the provenance note is not an export either
    "importer-fixtures/dcounts_importer/districts.csv": ("democracy-counts", "utf-8", ","),
    "importer-fixtures/dcounts_importer/stations.csv": ("democracy-counts", "utf-8", ","),
    "importer-fixtures/halarose_importer/test.csv": ("idox-eros-2026", "utf-8", ","),
    "importer-fixtures/halarose_importer_pre2026/test.csv": ("idox-eros", "utf-8", ","),
    "importer-fixtures/xpress_importer/test_democlub.csv": ("xpress-dc", "utf-8", ","),
    "importer-fixtures/xpress_importer/test_weblookup.csv": ("xpress-weblookup", "utf-8", ","),
    "test_data/Democracy_Club__12December2019tein.csv": ("xpress-dc", "utf-8", ","),
    "wdiv-s3-trigger-fixtures/democracy-counts-utf-16le.csv": ("democracy-counts", "utf-16-le", ","),
    "wdiv-s3-trigger-fixtures/ems-dcounts-districts.csv": ("democracy-counts", "utf-8", ","),
    "wdiv-s3-trigger-fixtures/ems-dcounts-stations-small.csv": ("democracy-counts", "utf-8", ","),
    "wdiv-s3-trigger-fixtures/ems-dcounts-stations.csv": ("democracy-counts", "utf-8", ","),
    "wdiv-s3-trigger-fixtures/ems-fcs.json": ("fcs", "utf-8", ""),
    "wdiv-s3-trigger-fixtures/ems-idox-eros-2026-update.csv": ("idox-eros-2026", "utf-8", ","),
    "wdiv-s3-trigger-fixtures/ems-idox-eros.csv": ("idox-eros", "utf-8", ","),
    "wdiv-s3-trigger-fixtures/ems-other.csv": (REFUSED, "Unrecognised export: no known EMS layout has the header"),
    "wdiv-s3-trigger-fixtures/ems-other.json": (REFUSED, "Unrecognised JSON: expected a list of FCS polling stations"),
    "wdiv-s3-trigger-fixtures/ems-xpress-dc.csv": ("xpress-dc", "utf-8", ","),
    "wdiv-s3-trigger-fixtures/ems-xpress-weblookup.CSV": ("xpress-weblookup", "utf-8", ","),
    "wdiv-s3-trigger-fixtures/encoding-windows1252.tsv": ("xpress-dc", "windows-1252", "\t"),
    "wdiv-s3-trigger-fixtures/ext-csv-with-tsv-ext.tsv": ("idox-eros", "utf-8", ","),
    "wdiv-s3-trigger-fixtures/ext-tsv-with-csv-ext.csv": ("xpress-dc", "utf-8", "\t"),
    "wdiv-s3-trigger-fixtures/incomplete-file.CSV": (
        REFUSED,
        "Incomplete file: expected 38 columns on row 10, found 7",
    ),
    "wdiv-s3-trigger-fixtures/invalid.json": (REFUSED, "Malformed JSON"),
    "wdiv-s3-trigger-fixtures/not-a-csv.csv": (REFUSED, "Not a CSV, TSV or JSON export: the file is a ZIP archive"),
    "wdiv-s3-trigger-fixtures/small-files-empty.csv": (REFUSED, "Empty file"),
    "wdiv-s3-trigger-fixtures/small-files-empty2.csv": (REFUSED, "Empty file"),
    "wdiv-s3-trigger-fixtures/small-files-nearly_empty.csv": (REFUSED, "Unrecognised export"),
}


def _export_files():
    return sorted(str(p.relative_to(EXPORTS)) for p in EXPORTS.rglob("*") if p.is_file())


def test_the_table_covers_every_file():
    assert _export_files() == sorted(EXPECTED), "add the new export file to EXPECTED"
    assert len(EXPECTED) == 28


@pytest.mark.parametrize("relative", _export_files())
def test_every_shared_export_is_recognised_or_refused_in_one_line(relative):
    expected = EXPECTED[relative]
    path = EXPORTS / relative
    if expected[0] == REFUSED:
        with pytest.raises(ImportFileError) as caught:
            read_export(path)
        message = str(caught.value)
        assert "\n" not in message
        assert message.startswith(f"{path}: ")
        assert expected[1] in message
    else:
        detected = read_export(path)
        assert (detected.format, detected.table.encoding, detected.table.delimiter) == expected


def test_the_synthetic_eoni_export_is_recognised():
    detected = read_export(FIXTURES / "eoni" / "eoni_export.csv")
    assert (detected.format, detected.table.encoding, detected.table.delimiter) == ("eoni", "utf-8", ",")


def test_header_normalisation_follows_the_ups_rules():
    assert normalise_header(" Polling_Place_Id ") == "polling_place_id"
    assert normalise_header("PollingStationAddress_1") == "pollingstationaddress_1"
    assert normalise_header("Polling Place (Name)") == "polling_place_name"
    assert normalise_header("a-b.c/d\\e") == "a_b_c_d_e"
    assert normalise_header("Post  Code") == "post_code"


def test_the_fused_xpress_header_is_read_by_its_first_block():
    detected = read_export(EXPORTS / "wdiv-s3-trigger-fixtures/ems-xpress-dc.csv")
    header = detected.table.header
    assert len(header) == 38
    assert "polling_place_uprnproperty_urn" in header
    assert header.index("polling_place_id") < header.index("polling_place_id1")
    assert header[-1] == "polling_place_uprn"


def test_identify_by_header_signature():
    assert identify(["houseid", "housename", "uprn"]) == ("idox-eros", "all")
    assert identify(["houseid", "uprn", "addressline1", "pollingdistrictid"]) == ("idox-eros-2026", "all")
    assert identify(["authoritycode", "propertynumber"]) == ("xpress-weblookup", "all")
    assert identify(["electiondate", "contested"]) == ("xpress-dc", "all")
    assert identify(["add1", "stationcode", "uprn", "xordinate"]) == ("democracy-counts", "addresses")
    assert identify(["add1", "stationcode", "xordinate", "placename"]) == ("democracy-counts", "stations")
    assert identify(["pro_uprn", "prem_id"]) == ("eoni", "all")
    assert identify(["strand_id", "ward"]) is None


def test_delimiter_is_sniffed_from_the_header_not_the_extension():
    assert sniff_delimiter("a,b,c") == ","
    assert sniff_delimiter("a\tb\tc") == "\t"
    assert sniff_delimiter('"a, with comma"\t"b"\t"c"') == "\t"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"HouseID,Town\r\n1,Llanelli\r\n", "utf-8"),
        (b"\xef\xbb\xbfHouseID,Town\r\n", "utf-8-sig"),
        ("HouseID,Town\r\n1,Ynys Môn\r\n".encode("utf-16-le"), "utf-16-le"),
        (b"\xff\xfe" + "HouseID,Town\r\n".encode("utf-16-le"), "utf-16-le"),
        ("HouseID,Town\r\n1,Lôn Capel – “quoted”\r\n".encode("cp1252"), "windows-1252"),
        (b"HouseID,Town\r\n1,\x81\xf4\r\n", "latin-1"),  # 0x81 is undefined in Windows-1252
    ],
)
def test_encoding_is_sniffed_and_reported(data, encoding):
    found, text = sniff_encoding(data)
    assert found == encoding
    assert text.lstrip("\ufeff").startswith("HouseID")


def test_a_latin1_only_byte_still_reads(tmp_path):
    header = "HouseID,UPRN,AddressLine1,Postcode,PollingVenueID,PollingStationName,PollingStationNumber,"
    header += "PollingStationPostCode,PollingDistrictId"
    data = (header + "\r\n1,10,Caf\xe9\x81,AB1 2CD,1,Hall,1,AB1 2CE,D1\r\n").encode("latin-1")
    detected = detect_bytes(data, "latin.csv")
    assert detected.table.encoding == "latin-1"
    assert detected.format == "idox-eros-2026"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "latin.csv: Empty file"),
        (b"  \r\n", "latin.csv: Empty file"),
        (b"a,b\r\n1,2\r\n", "the header has 2 column(s)"),
        (b"Add1,PostCode,StationCode,UPRN,Xordinate\r\n", "No data: the file has a header but no rows"),
        (b"ElectionDate,Contested,Property_URN\r\n1,2,3\r\n", "missing column(s) addressline1"),
        (b"ElectionDate,Contested,Property_URN\r\n1,2,3\r\n", "Malformed Civica Xpress 'DemocracyClub' export header"),
        (b"[1, 2", "Malformed JSON: Expecting"),
        (b"[]", "No data: the JSON list is empty"),
        (b'[{"id": 1}]', "Unrecognised JSON: item 1 lacks the FCS keys"),
        (b"%PDF-1.7\n", "the file is a PDF document"),
        (b"a,b,c\x00\x00\x01\x02\x00\x00\x00\x00\x00\x00", "binary data"),
    ],
)
def test_refusals_are_one_line_naming_the_file(data, message):
    with pytest.raises(ImportFileError) as caught:
        detect_bytes(data, "latin.csv")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("latin.csv: ")


def test_extra_filled_columns_are_malformed_but_trailing_blank_ones_are_not():
    header = b"Add1,Add2,PostCode,StationCode,UPRN,Xordinate,Yordinate\r\n"
    ok = detect_bytes(header + b"1 High St,,AB1 2CD,B1/1,10,,,,\r\n", "d.csv")
    assert list(ok.table.records()) == [(2, ["1 High St", "", "AB1 2CD", "B1/1", "10", "", ""])]
    with pytest.raises(ImportFileError, match=r"Malformed file: expected 7 columns on row 3, found 9"):
        detect_bytes(header + b"1 High St,,AB1 2CD,B1/1,10,,\r\n2 High St,,AB1 2CD,B1/1,11,,,x,y\r\n", "d.csv")


def test_rows_count_the_header_as_row_one_and_skip_blank_lines():
    data = b"Add1,PostCode,StationCode,UPRN,Xordinate\r\n\r\nA,AB1 2CD,B1/1,1,\r\n\r\nB,AB1 2CD,B1/1,2,\r\n"
    assert [number for number, _ in detect_bytes(data, "d.csv").table.records()] == [3, 5]
