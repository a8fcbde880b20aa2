"""The Democracy Club (Xpress "DemocracyClub") export round-trips through our own importer, and the JSON API."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from ems.accounts.roles import Role
from ems.geography.models import PollingDistrict, PollingStation
from ems.polling import exports, services
from ems.register.importers import read_polling_data
from ems.register.models import Property
from ems.register.services import polling_data_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def allotted(place):
    for code, surname in (("NA", "Able"), ("NA", "Baker"), ("NB", "Cole"), ("SA", "Dean")):
        place.add(code, surname)
    Property.objects.filter(authority=place.authority, uprn=place.uprn).update(address_2="Flat 2", address_3="Hill")
    place.station("N1", "NA")
    place.station("S1", "SA")
    for code, station in (("NA", "N1"), ("NB", "N1"), ("SA", "S1")):
        services.station_allocation_set(
            acting_user=None, poll=place.poll, district=place.districts[code], station=place.stations[station]
        )
    return place


def _mapping(authority):
    return {
        p.uprn: (p.polling_station.code if p.polling_station else None, p.polling_district.code, p.address_1,
                 p.address_2, p.address_3, p.postcode)
        for p in Property.objects.filter(authority=authority).select_related("polling_station", "polling_district")
    }  # fmt: skip


def _stations(authority):
    # A station's own district is left empty on import when it serves several (N1: NA and NB);
    # the districts each station serves are compared through the properties below.
    return {
        s.code: (s.place.name, s.place.address_1, s.place.postcode)
        for s in PollingStation.objects.filter(authority=authority).select_related("place")
    }


def test_export_round_trips_through_our_importer(allotted, authority_b, tmp_path):
    place = allotted
    target = tmp_path / exports.file_name(place.poll)
    with target.open("w", encoding="utf-8", newline="") as handle:
        rows = exports.write_xpress_dc(place.poll, handle)
    assert rows == 4
    assert target.name == "Democracy_Club__06May2027.tsv"
    header = target.read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert len(header) == 38 and header[19] == "Polling_Place_UPRNProperty_URN"

    out = io.StringIO()
    call_command("import", "polling-data", str(target), "--authority", authority_b.gss_code, "--dry-run", "--json",
                 stdout=out)  # fmt: skip
    summary = json.loads(out.getvalue())
    assert (summary["format"], summary["properties"], summary["stations"], summary["districts"]) == (
        "xpress-dc", 4, 2, 3,
    )  # fmt: skip
    assert summary["skipped"] == []

    polling_data_import(
        acting_user=None, authority=authority_b, parsed=read_polling_data([target]), source_name=target.name
    )
    assert _stations(authority_b) == _stations(place.authority)
    assert set(PollingDistrict.objects.filter(authority=authority_b).values_list("code", flat=True)) == {
        "NA", "NB", "SA",
    }  # fmt: skip
    assert _mapping(authority_b) == {
        uprn: ("N1" if district in ("NA", "NB") else "S1", district, *rest)
        for uprn, (_station, district, *rest) in _mapping(place.authority).items()
    }


def test_export_download_and_api(allotted, make_user, client_for):
    place = allotted
    client = client_for(make_user(Role.POLL_STAFF, place.authority))
    response = client.get(f"/polling/{place.poll.pk}/democracy-club.tsv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("ElectionDate\tContested\tProperty_URN")
    assert 'filename="Democracy_Club__06May2027.tsv"' in response["Content-Disposition"]

    listing = client.get("/api/polling/polls/").json()
    assert [p["id"] for p in listing["polls"]] == [place.poll.pk]
    data = client.get(f"/api/polling/polls/{place.poll.pk}/").json()
    assert {b["title"] for b in data["ballots"]} == {"North", "South"}
    station = next(s for s in data["stations"] if s["id"] == "N1")
    assert [d["code"] for d in station["districts"]] == ["NA", "NB"]
    assert station["address"][0] == "N1 Hall Lane"
    assert data["eligibility"]["usable"] is False and "No eligibility run" in data["eligibility"]["problem"]
    assert "Able" not in json.dumps(data)  # no elector data in the API


def test_api_needs_a_signed_in_user_of_the_authority(allotted, authority_b, make_user, client_for, client):
    assert client.get("/api/polling/polls/").status_code == 302
    other = client_for(make_user(Role.MANAGER, authority_b))
    assert other.get(f"/api/polling/polls/{allotted.poll.pk}/").status_code == 404
