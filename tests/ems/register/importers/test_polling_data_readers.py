"""Each export format read into plain records, following the reading rules of ems-export-formats.md."""

from pathlib import Path

import pytest

from ems.register.importers import ImportFileError, read_polling_data
from ems.register.importers.polling_data import clean, dcounts_district, parse_coordinate, parse_uprn

REPO = Path(__file__).resolve().parents[4]
EXPORTS = REPO.parent / "shared" / "data" / "ems-exports"
WDIV = EXPORTS / "wdiv-s3-trigger-fixtures"
IMPORTER = EXPORTS / "importer-fixtures"
FIXTURES = REPO / "tests" / "fixtures" / "ems-exports"


def _by_uprn(parsed):
    return {a.uprn: a for a in parsed.addresses}


def _reasons(parsed):
    return {s.row: s.reason for s in parsed.skipped}


def test_value_rules():
    assert parse_uprn("000072771509") == (72771509, "")
    assert parse_uprn(" ") == (None, "no UPRN")
    assert parse_uprn(0) == (None, "no UPRN")
    assert parse_uprn("12A") == (None, "UPRN '12A' is not a number")
    assert parse_uprn("1234567890123")[0] is None
    for missing in ("", "0", "0.00", 0, 0.0, None, "n/a"):
        assert parse_coordinate(missing) is None
    assert parse_coordinate("536737.00") == 536737.0
    assert clean("1  Eden House ") == "1 Eden House"
    assert dcounts_district("B10/1") == ("B10", "1")
    assert dcounts_district("B101") == ("", "B101")


def test_xpress_dc_current_layout_with_the_fused_header():
    parsed = read_polling_data([WDIV / "ems-xpress-dc.csv"])
    assert (parsed.format, len(parsed.addresses), len(parsed.stations), len(parsed.districts)) == ("xpress-dc", 9, 1, 1)
    place = parsed.places["2322"]
    assert place.name == "Flash Musicals Youth Theatre"
    assert place.lines == ("Methuen Road", "Edgware")
    assert place.postcode == "HA8 6EZ"
    assert (place.easting, place.northing) == (None, None)  # "0" = missing
    station = parsed.stations["2322"]
    assert station.district_code == "EAA"  # from Polling_Place_District_Reference in the second block
    home = _by_uprn(parsed)[100021243352]
    assert home.lines == ("5 Buckingham Gardens", "Edgware")
    assert home.postcode == "HA8 6NB"  # from Addressline6
    assert (home.station_code, home.district_code) == ("2322", "EAA")


def test_xpress_dc_older_24_column_layout_skips_a_blank_addressline6():
    parsed = read_polling_data([IMPORTER / "xpress_importer" / "test_democlub.csv"])
    assert parsed.format == "xpress-dc"
    assert sorted(_by_uprn(parsed)) == [1, 2, 4, 5]
    assert _reasons(parsed) == {4: "blank postcode"}
    assert set(parsed.stations) == {"518", "512"}
    assert parsed.stations["512"].district_code == "AZ"
    assert parsed.places["512"].postcode == "BN15 8AJ"


def test_xpress_dc_windows_1252_tab_separated():
    parsed = read_polling_data([WDIV / "encoding-windows1252.tsv"])
    assert (parsed.encoding, parsed.delimiter) == ("windows-1252", "\t")
    assert parsed.places["8035"].lines[0] == "Lôn Capel / Chapel Lane"
    assert len(parsed.addresses) == 9
    assert set(parsed.districts) == {"BPG", "BB", "CAA", "BA"}


def test_xpress_dc_test_export_warns_about_testing_markers_and_duplicate_uprns():
    parsed = read_polling_data([EXPORTS / "test_data" / "Democracy_Club__12December2019tein.csv"])
    assert len(parsed.addresses) == 89
    assert any("[TESTING]" in w for w in parsed.warnings)
    assert parsed.skipped[0].reason.startswith("duplicate UPRN 100040312292 (first on row")
    assert (parsed.places["7136"].easting, parsed.places["7136"].northing) == (290135.0, 90650.0)


def test_xpress_weblookup_house_number_zero_or_blank_and_padded_uprns():
    parsed = read_polling_data([IMPORTER / "xpress_importer" / "test_weblookup.csv"])
    homes = _by_uprn(parsed)
    assert homes[1].lines == ("Balham High Road",)  # blank number
    assert homes[2].lines == ("Balham High Road",)  # number 0
    assert homes[3].lines == ("200 Balham High Road",)
    assert 5 not in homes and _reasons(parsed) == {6: "blank postcode"}
    place = parsed.places["5736"]
    assert place.name == "Upper Tooting Methodist Church"
    assert place.postcode == "SW17 7AL"  # PollingPlaceAddress7
    assert homes[4].district_code == "BFA"

    leeds = read_polling_data([WDIV / "ems-xpress-weblookup.CSV"])
    assert 72771509 in _by_uprn(leeds)  # "000072771509"
    assert _by_uprn(leeds)[72771509].lines == ("1 Eden House Alwoodley Lane",)
    assert leeds.places["5685"].lines == ("(Rear Entrance)", "High Ash Drive", "Leeds")


def test_idox_2026_station_key_na_station_and_blank_postcode():
    parsed = read_polling_data([IMPORTER / "halarose_importer" / "test.csv"])
    assert parsed.format == "idox-eros-2026"
    assert set(parsed.stations) == {"3-the-heron-theatre", "4-the-heron-theatre", "69-parish-hall"}
    assert parsed.stations["4-the-heron-theatre"].place_code == "19"  # one venue, two stations
    assert parsed.stations["69-parish-hall"].number == "69"
    assert parsed.districts["19"].name == "BEETHAM EAST (AD)"
    homes = _by_uprn(parsed)
    assert homes[4].station_code == ""  # "n/a": no station assigned, address kept
    assert homes[4].district_code == "19"
    assert _reasons(parsed) == {6: "blank postcode"}
    venue = parsed.places["139"]
    assert (venue.name, venue.postcode, venue.easting) == ("Parish Hall", "LA7 7PS", 350512.0)


def test_idox_2026_update_fixture_collapses_repeated_rows():
    parsed = read_polling_data([WDIV / "ems-idox-eros-2026-update.csv"])
    assert len(parsed.addresses) == 1
    assert len(parsed.skipped) == 8
    assert all(s.reason == "duplicate UPRN 1 (first on row 2)" for s in parsed.skipped)


def test_idox_pre_2026_layout_and_pseudo_streets():
    parsed = read_polling_data([WDIV / "ems-idox-eros.csv"])
    assert parsed.format == "idox-eros"
    home = _by_uprn(parsed)[100010362596]
    assert home.lines == ("8 BABYLON LANE", "ADLINGTON", "CHORLEY", "LANCASHIRE")
    assert home.postcode == "PR6 9NN"
    assert home.station_code == "1-fair-view-youth-community-centre"

    swansea = read_polling_data([IMPORTER / "halarose_importer_pre2026" / "test.csv"])
    reasons = _reasons(swansea)
    assert reasons[2] == "pseudo-address 'Other Electors'"
    assert reasons[3] == "pseudo-address 'Other Voters'"
    assert reasons[4] == "no UPRN"  # this fixture carries no UPRNs at all
    assert "10-penyrheol-boxing-club" in swansea.stations
    assert len(swansea.stations) == 2  # the all-"n/a" row has no station


def test_democracy_counts_two_files_in_either_order_with_dummies():
    one = read_polling_data(
        [IMPORTER / "dcounts_importer" / "stations.csv", IMPORTER / "dcounts_importer" / "districts.csv"]
    )
    other = read_polling_data(
        [IMPORTER / "dcounts_importer" / "districts.csv", IMPORTER / "dcounts_importer" / "stations.csv"]
    )
    assert one.summary() == other.summary()
    assert one.complete and one.format == "democracy-counts"
    assert sorted(_by_uprn(one)) == [1, 3, 5, 6]
    assert _reasons(one) == {3: "blank postcode", 5: "dummy record"}
    assert one.stations["B6/1"].district_code == "B6"
    assert _by_uprn(one)[5].district_code == "B60"
    assert one.places[one.stations["B6/1"].place_code].name == "Q.E. Boys School"


def test_democracy_counts_barnet_coordinates_and_codes_without_a_slash():
    parsed = read_polling_data([WDIV / "ems-dcounts-stations.csv", WDIV / "ems-dcounts-districts.csv"])
    assert (len(parsed.addresses), len(parsed.stations)) == (19, 19)
    assert parsed.stations["B101"].district_code == ""
    assert parsed.stations["B101"].place_code == parsed.stations["B100/1"].place_code  # same venue
    home = _by_uprn(parsed)[200008719]
    assert (home.easting, home.northing) == (524755.48, 197969.92)
    assert parsed.places[parsed.stations["B1/1"].place_code].easting is None  # blank


def test_democracy_counts_utf16_stations_file_alone_is_stations_only():
    parsed = read_polling_data([WDIV / "democracy-counts-utf-16le.csv"])
    assert (parsed.encoding, parsed.complete) == ("utf-16-le", False)
    assert (len(parsed.stations), len(parsed.addresses)) == (34, 0)
    assert parsed.warnings[0].startswith("Democracy Counts districts file missing")
    place = parsed.places[parsed.stations["12A"].place_code]
    assert (place.name, place.easting) == ("HERTFORD REGIONAL COLLEGE", 536521.0)


def test_democracy_counts_refusals():
    with pytest.raises(ImportFileError, match="Democracy Counts needs two files: this is the districts"):
        read_polling_data([WDIV / "ems-dcounts-districts.csv"])
    with pytest.raises(ImportFileError, match="this is a second stations file"):
        read_polling_data([WDIV / "ems-dcounts-stations.csv", WDIV / "ems-dcounts-stations-small.csv"])
    with pytest.raises(ImportFileError, match=r"but .* is Democracy Counts"):
        read_polling_data([WDIV / "ems-dcounts-stations.csv", WDIV / "ems-xpress-dc.csv"])
    with pytest.raises(ImportFileError, match="Only Democracy Counts exports come in two files"):
        read_polling_data([WDIV / "ems-xpress-dc.csv", WDIV / "ems-idox-eros.csv"])


def test_democracy_counts_station_codes_missing_from_the_stations_file(tmp_path):
    stations = tmp_path / "s.csv"
    stations.write_text("Add1,PostCode,StationCode,Xordinate,Yordinate,PlaceName\nHigh St,AB1 2CD,B1/1,0,0,Hall\n")
    addresses = tmp_path / "a.csv"
    addresses.write_text("Add1,PostCode,StationCode,UPRN,Xordinate,Yordinate\n1 Low St,AB1 2CE,B9/1,10,,\n")
    parsed = read_polling_data([stations, addresses])
    assert parsed.addresses[0].station_code == ""
    assert parsed.addresses[0].district_code == "B9"
    assert "not in the stations file (B9/1)" in parsed.warnings[0]


def test_fcs_json_stations_properties_and_districts():
    parsed = read_polling_data([WDIV / "ems-fcs.json"])
    assert (parsed.format, parsed.delimiter, len(parsed.addresses), len(parsed.stations)) == ("fcs", "", 6, 2)
    assert parsed.districts["66"].name == "Cann Hall D"
    assert parsed.stations["3250"].place_code == "7113"
    assert parsed.stations["3250"].district_code == "66"
    place = parsed.places["7113"]
    assert (place.uprn, place.latitude, place.longitude) == (None, None, None)  # 0 and 0.0 = missing
    home = _by_uprn(parsed)[200001446803]
    assert home.lines == ("305A High Road Leytonstone", "London")
    assert (home.station_code, home.district_code) == ("3250", "66")


def test_fcs_property_problems_name_the_station_and_property(tmp_path):
    station = {
        "id": 1, "stationId": 2, "name": "Hall", "addressLine1": "", "addressLine2": "", "addressLine3": "",
        "addressLine4": "", "addressLine5": "", "addressPostCode": "", "addressUprn": 0, "latitude": 51.5,
        "longitude": -0.1, "defaultStationId": 1, "pollingDistricts": [],
        "properties": [
            {"addressLine1": "1 A St", "addressLine2": "", "addressLine3": "", "addressLine4": "", "addressLine5": "",
             "addressPostCode": "E1 1AA", "addressUprn": 0},
        ],
    }  # fmt: skip
    path = tmp_path / "fcs.json"
    import json

    path.write_text(json.dumps([station]))
    parsed = read_polling_data([path])
    assert _reasons(parsed) == {1: "property 1: no UPRN"}
    assert (parsed.places["1"].latitude, parsed.places["1"].longitude) == (51.5, -0.1)
    assert parsed.stations["2"].district_code == ""


def test_eoni_wgs84_and_full_addresses():
    parsed = read_polling_data([FIXTURES / "eoni" / "eoni_export.csv"])
    assert parsed.format == "eoni"
    homes = _by_uprn(parsed)
    assert sorted(homes) == [187000001, 187000002, 187000003]
    assert (homes[187000001].latitude, homes[187000001].longitude) == (54.5973, -5.9301)
    assert homes[187000001].lines == ("1 Example Road", "Testtown")
    assert homes[187000002].latitude is None  # 0 = missing
    assert homes[187000003].lines[-2:] == ("Extra Line", "More, Overflow")  # seven parts into six
    assert _reasons(parsed) == {5: "no UPRN"}
    assert parsed.places["301"].name == "Testtown Primary School"
    assert parsed.places["301"].latitude == 54.5981
    assert parsed.places["302"].latitude is None
    assert homes[187000003].station_code == "302"
