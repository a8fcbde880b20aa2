"""Boundary sets from GeoJSON, and allocating properties to polling districts by point-in-polygon."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from ems.audit.models import AuditEvent
from ems.geography.models import BoundarySet, PollingDistrict
from ems.geography.services import boundary_set_import
from ems.register.models import Property
from ems.register.services_allocation import property_allocate, property_set_district


def square(x0, y0, size=0.01):
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
    }


WEST, EAST = square(-1.50, 52.00), square(-1.49, 52.00)
GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"code": "AA", "name": "West"}, "geometry": WEST},
        {"type": "Feature", "properties": {"code": "AB", "name": "East"}, "geometry": EAST},
    ],
}


@pytest.fixture
def boundaries(authority_a):
    return boundary_set_import(
        acting_user=None, authority=authority_a, name="2026 review", valid_from=dt.date(2026, 5, 1),
        geojson=GEOJSON, area_type="polling_district",
    )  # fmt: skip


def make_property(authority, uprn, lon, lat, postcode="AB1 2CD", district=None):
    return Property.objects.create(
        authority=authority, uprn=uprn, address_1=f"{uprn} Road", postcode=postcode, longitude=lon, latitude=lat,
        polling_district=district,
    )  # fmt: skip


@pytest.mark.django_db
def test_properties_are_allocated_to_the_district_they_fall_in(authority_a, boundaries):
    west, east = (PollingDistrict.objects.get(authority=authority_a, code=c) for c in ("AA", "AB"))
    a = make_property(authority_a, 1, -1.495, 52.005, "AB1 1AA")
    b = make_property(authority_a, 2, -1.485, 52.005, "AB1 1AB", district=west)  # wrongly in West
    outside = make_property(authority_a, 3, -1.30, 52.50, "AB1 1AC")
    no_coords = make_property(authority_a, 4, None, None, "AB1 1AD")
    split_1 = make_property(authority_a, 5, -1.496, 52.001, "AB9 9ZZ")
    split_2 = make_property(authority_a, 6, -1.484, 52.001, "AB9 9ZZ")
    report = property_allocate(acting_user=None, authority=authority_a)
    a.refresh_from_db(), b.refresh_from_db(), split_1.refresh_from_db(), split_2.refresh_from_db()
    assert (a.polling_district, b.polling_district) == (west, east)
    assert (split_1.polling_district, split_2.polling_district) == (west, east)
    assert report["moved"] == 4 and report["outside"] == 2
    reasons = {e["uprn"]: e["reason"] for e in report["exceptions"]}
    assert reasons == {outside.uprn: "outside every polling district", no_coords.uprn: "no coordinates"}
    assert report["split"] == {"AB9 9ZZ": ["AA", "AB"]}
    assert AuditEvent.objects.filter(action="geography.allocate", after__moved=4).exists()
    # Running it again moves nothing.
    assert property_allocate(acting_user=None, authority=authority_a)["moved"] == 0


@pytest.mark.django_db
def test_manual_override_survives_reallocation(authority_a, boundaries):
    west = PollingDistrict.objects.get(authority=authority_a, code="AA")
    prop = make_property(authority_a, 7, -1.485, 52.005)  # geographically East
    with pytest.raises(ValidationError, match="reason"):
        property_set_district(acting_user=None, property_id=prop.pk, authority=authority_a, district=west, reason=" ")
    property_set_district(
        acting_user=None, property_id=prop.pk, authority=authority_a, district=west, reason="Access is from the west"
    )
    property_allocate(acting_user=None, authority=authority_a)
    prop.refresh_from_db()
    assert prop.polling_district == west and prop.district_override


@pytest.mark.django_db
def test_other_authorities_properties_are_untouched(authority_a, authority_b, boundaries):
    theirs = make_property(authority_b, 8, -1.495, 52.005)
    property_allocate(acting_user=None, authority=authority_a)
    theirs.refresh_from_db()
    assert theirs.polling_district is None


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def feature(code, geometry):
    return {"properties": {"code": code} if code else {}, "geometry": geometry}


BOWTIE = {"type": "Polygon", "coordinates": [[[-1.5, 52], [-1.4, 52.1], [-1.4, 52], [-1.5, 52.1], [-1.5, 52]]]}
BAD = [
    ({"type": "Feature"}, "FeatureCollection"),
    (collection(), "no features"),
    (collection(feature("AA", {"type": "Point", "coordinates": [0, 52]})), "Polygon"),
    (collection(feature("AA", square(400000, 200000, 100))), "WGS84"),
    (collection(feature(None, WEST)), "no code"),
    (collection(feature("AA", WEST), feature("AA", EAST)), "twice"),
    (collection(feature("AA", BOWTIE)), "invalid geometry"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("geojson", "message"), BAD)
def test_bad_boundary_files_are_refused_and_write_nothing(authority_a, tmp_path, geojson, message):
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps(geojson))
    before = (BoundarySet.objects.count(), PollingDistrict.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command("boundaries", "import", str(path), "--authority", authority_a.gss_code, "--name", "x",
                     "--valid-from", "2026-05-01")  # fmt: skip
    assert (BoundarySet.objects.count(), PollingDistrict.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_commands_import_then_allocate(authority_a, tmp_path):
    path = tmp_path / "districts.geojson"
    path.write_text(json.dumps(GEOJSON))
    make_property(authority_a, 9, -1.495, 52.005)
    out = io.StringIO()
    call_command("boundaries", "import", str(path), "--authority", authority_a.gss_code, "--name", "2026",
                 "--valid-from", "2026-05-01", "--json", stdout=out)  # fmt: skip
    assert json.loads(out.getvalue()) == {"boundary_set": "2026", "features": 2}
    out = io.StringIO()
    call_command("boundaries", "allocate", "--authority", authority_a.gss_code, "--json", stdout=out)
    assert json.loads(out.getvalue())["moved"] == 1
