"""polling_data_import: writes everything in one transaction, idempotently, within one authority."""

from pathlib import Path

import pytest
from django.db.models import Model

from ems.audit.models import AuditEvent
from ems.geography.models import AreaType, ElectoralArea, PollingDistrict, PollingPlace, PollingStation
from ems.register import services
from ems.register.importers import read_polling_data
from ems.register.models import Property

REPO = Path(__file__).resolve().parents[4]
EXPORTS = REPO.parent / "shared" / "data" / "ems-exports"
WDIV = EXPORTS / "wdiv-s3-trigger-fixtures"
IMPORTER = EXPORTS / "importer-fixtures"
FIXTURES = REPO / "tests" / "fixtures" / "ems-exports"

EVERY_FORMAT = [
    [WDIV / "ems-xpress-dc.csv"],
    [WDIV / "encoding-windows1252.tsv"],
    [IMPORTER / "xpress_importer" / "test_democlub.csv"],
    [WDIV / "ems-xpress-weblookup.CSV"],
    [IMPORTER / "xpress_importer" / "test_weblookup.csv"],
    [WDIV / "ems-idox-eros.csv"],
    [IMPORTER / "halarose_importer" / "test.csv"],
    [WDIV / "ems-dcounts-stations.csv", WDIV / "ems-dcounts-districts.csv"],
    [IMPORTER / "dcounts_importer" / "districts.csv", IMPORTER / "dcounts_importer" / "stations.csv"],
    [WDIV / "ems-fcs.json"],
    [FIXTURES / "eoni" / "eoni_export.csv"],
]


def _import(authority, paths, user=None):
    parsed = read_polling_data(paths)
    return parsed, services.polling_data_import(
        acting_user=user, authority=authority, parsed=parsed, source_name=", ".join(p.name for p in paths)
    )


def _state(authority):
    """Everything the import can touch, as plain values (ids included)."""

    def rows(model: type[Model], order: str):
        return list(model.objects.filter(authority=authority).order_by(order).values())  # type: ignore[attr-defined]

    return {
        "districts": rows(PollingDistrict, "code"),
        "places": rows(PollingPlace, "code"),
        "stations": rows(PollingStation, "code"),
        "properties": rows(Property, "uprn"),
    }


@pytest.mark.django_db
def test_import_writes_districts_places_stations_properties_and_the_allocation(authority_a):
    _, counts = _import(authority_a, [IMPORTER / "halarose_importer" / "test.csv"])
    assert counts["districts_created"] == 2
    assert counts["places_created"] == 2
    assert counts["stations_created"] == 3
    assert counts["properties_created"] == 4
    ward = ElectoralArea.objects.get(authority=authority_a, area_type=AreaType.WARD, name="Unassigned (imported)")
    beetham = PollingDistrict.objects.get(authority=authority_a, code="19")
    assert (beetham.name, beetham.ward) == ("BEETHAM EAST (AD)", ward)
    venue = PollingPlace.objects.get(authority=authority_a, code="19")
    assert (venue.name, venue.easting, venue.source_format) == ("The Heron Theatre", 349506.0, "idox-eros-2026")
    station = PollingStation.objects.get(authority=authority_a, code="4-the-heron-theatre")
    assert (station.place, station.district, station.number) == (venue, beetham, "4")
    home = Property.objects.get(authority=authority_a, uprn=2)
    assert (home.address_1, home.address_4, home.postcode) == ("18 Hillcrest Drive", "Cumbria", "LA7 7BB")
    assert (home.polling_station, home.polling_district, home.source) == (station, beetham, "idox-eros-2026")
    unallocated = Property.objects.get(authority=authority_a, uprn=4)  # station "n/a"
    assert (unallocated.polling_station, unallocated.polling_district) == (None, beetham)

    event = AuditEvent.objects.get(authority=authority_a, action="register.polling_data.import")
    assert event.after["format"] == "idox-eros-2026"
    assert event.after["file"] == "test.csv"
    assert event.after["counts"]["properties_created"] == 4
    assert event.after["rows_skipped"] == 1


@pytest.mark.django_db
def test_property_district_comes_from_the_station_when_the_row_has_none(authority_a):
    _import(authority_a, [FIXTURES / "eoni" / "eoni_export.csv"])
    home = Property.objects.get(authority=authority_a, uprn=187000001)
    assert home.polling_station.code == "301"
    assert home.polling_district is None  # EONI exports carry no districts
    assert (home.latitude, home.longitude) == (54.5973, -5.9301)
    assert PollingDistrict.objects.filter(authority=authority_a).count() == 0
    assert not ElectoralArea.objects.filter(authority=authority_a).exists()  # no placeholder ward needed


@pytest.mark.django_db
@pytest.mark.parametrize("paths", EVERY_FORMAT, ids=lambda paths: "+".join(p.name for p in paths))
def test_second_import_of_the_same_file_changes_nothing(authority_a, paths):
    parsed, first = _import(authority_a, paths)
    assert first["properties_created"] == len(parsed.addresses)
    before = _state(authority_a)
    _, second = _import(authority_a, paths)
    assert _state(authority_a) == before
    changed = {k: v for k, v in second.items() if v and k != "properties_unchanged"}
    assert changed == {}
    assert second["properties_unchanged"] == len(parsed.addresses)
    events = AuditEvent.objects.filter(authority=authority_a, action="register.polling_data.import").order_by("pk")
    assert events.count() == 2
    assert events.last().after["counts"]["properties_updated"] == 0


@pytest.mark.django_db
def test_a_changed_export_updates_in_place(authority_a, tmp_path):
    _import(authority_a, [IMPORTER / "xpress_importer" / "test_democlub.csv"])
    text = (IMPORTER / "xpress_importer" / "test_democlub.csv").read_text()
    # Property 1 moves to station 512 (district AZ); place 518 is renamed.
    lines = text.splitlines()
    lines[1] = lines[1].replace(
        "AO1,518,Monks Farm Hall,North Road,Lancing,,,BN15 9BB",
        "AZ,512,Lancing Parish Hall,South Street,Lancing,,,BN15 8AJ",
    )
    lines[2] = lines[2].replace("Monks Farm Hall", "Monks Farm Community Hall")
    changed = tmp_path / "changed.csv"
    changed.write_text("\n".join(lines) + "\n")
    _, counts = _import(authority_a, [changed])
    assert counts["properties_updated"] == 1
    assert counts["places_updated"] == 1
    assert PollingPlace.objects.get(authority=authority_a, code="518").name == "Monks Farm Community Hall"
    home = Property.objects.get(authority=authority_a, uprn=1)
    assert (home.polling_station.code, home.polling_district.code) == ("512", "AZ")


@pytest.mark.django_db
def test_manual_district_allocations_are_kept(authority_a):
    _import(authority_a, [WDIV / "ems-xpress-dc.csv"])
    home = Property.objects.get(authority=authority_a, uprn=100021243352)
    Property.objects.filter(pk=home.pk).update(polling_station=None, polling_district=None, district_override=True)
    _, counts = _import(authority_a, [WDIV / "ems-xpress-dc.csv"])
    home.refresh_from_db()
    assert (home.polling_station, home.polling_district) == (None, None)
    assert counts["manual_allocations_kept"] == 1


@pytest.mark.django_db
def test_existing_property_keeps_its_coordinates_and_source_when_the_file_has_none(authority_a, authority_b):
    Property.objects.create(
        authority=authority_a, uprn=100021243352, address_1="old", postcode="HA8 6NB", easting=1.0, northing=2.0,
        source="addressbase",
    )  # fmt: skip
    _, counts = _import(authority_a, [WDIV / "ems-xpress-dc.csv"])
    assert (counts["properties_created"], counts["properties_updated"]) == (8, 1)
    home = Property.objects.get(authority=authority_a, uprn=100021243352)
    assert (home.address_1, home.easting, home.northing, home.source) == (
        "5 Buckingham Gardens",
        1.0,
        2.0,
        "addressbase",
    )


@pytest.mark.django_db
def test_import_is_all_or_nothing(authority_a, monkeypatch):
    parsed = read_polling_data([WDIV / "ems-dcounts-stations.csv", WDIV / "ems-dcounts-districts.csv"])
    events_before = AuditEvent.objects.count()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    # Districts, places and stations are written before the properties; the failure must undo them.
    monkeypatch.setattr(services, "_upsert_properties", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        services.polling_data_import(acting_user=None, authority=authority_a, parsed=parsed, source_name="x")
    assert _state(authority_a) == {"districts": [], "places": [], "stations": [], "properties": []}
    assert not ElectoralArea.objects.filter(authority=authority_a).exists()
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_failure_half_way_through_the_properties_rolls_everything_back(authority_a, monkeypatch):
    parsed = read_polling_data([WDIV / "ems-dcounts-stations.csv", WDIV / "ems-dcounts-districts.csv"])
    monkeypatch.setattr(services, "LOOKUP_CHUNK", 5)  # several property batches
    real = services._insert_properties
    calls = []

    def flaky(rows):
        calls.append(len(rows))
        if len(calls) == 3:
            raise RuntimeError("connection lost")
        return real(rows)

    monkeypatch.setattr(services, "_insert_properties", flaky)
    with pytest.raises(RuntimeError):
        services.polling_data_import(acting_user=None, authority=authority_a, parsed=parsed, source_name="x")
    assert calls == [5, 5, 5]
    assert not Property.objects.filter(authority=authority_a).exists()
    assert not PollingStation.objects.filter(authority=authority_a).exists()
    assert not AuditEvent.objects.filter(action="register.polling_data.import").exists()


@pytest.mark.django_db
def test_import_into_one_authority_leaves_another_alone(authority_a, authority_b):
    _import(authority_b, [WDIV / "ems-xpress-dc.csv"])
    Property.objects.filter(authority=authority_b).update(address_1="B's own address")
    theirs = _state(authority_b)
    _, counts = _import(authority_a, [WDIV / "ems-xpress-dc.csv"])
    assert counts["properties_created"] == 9 and counts["stations_created"] == 1  # same UPRNs, codes: new rows
    assert _state(authority_b) == theirs
    assert Property.objects.filter(uprn=100021243352).count() == 2
    assert AuditEvent.objects.filter(authority=authority_b, action="register.polling_data.import").count() == 1


@pytest.mark.django_db
def test_stations_only_democracy_counts_is_refused_by_the_service(authority_a):
    parsed = read_polling_data([WDIV / "democracy-counts-utf-16le.csv"])
    with pytest.raises(ValueError, match="Democracy Counts needs two files"):
        services.polling_data_import(acting_user=None, authority=authority_a, parsed=parsed, source_name="x")
    assert not PollingStation.objects.filter(authority=authority_a).exists()


@pytest.mark.django_db
def test_existing_district_keeps_its_ward_and_gets_the_exports_name(authority_a):
    ward = ElectoralArea.objects.create(authority=authority_a, area_type=AreaType.WARD, name="Beetham")
    PollingDistrict.objects.create(authority=authority_a, code="19", name="old", ward=ward)
    _, counts = _import(authority_a, [IMPORTER / "halarose_importer" / "test.csv"])
    assert (counts["districts_created"], counts["districts_updated"]) == (1, 1)
    district = PollingDistrict.objects.get(authority=authority_a, code="19")
    assert (district.name, district.ward) == ("BEETHAM EAST (AD)", ward)
