"""Stations, ballot paper numbers, station packs and poll cards, all from the signed-off run."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from ems.accounts.roles import Role
from ems.elections import services as elections
from ems.jobs.runner import execute
from ems.polling import law, selectors, services
from ems.polling.documents import qr_svg
from ems.polling.models import BallotPaperRange
from ems.polling.poll_cards import CARD_FIELDS
from ems.register import services_alterations as alterations

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(place, make_user):
    """Electors in each district (one postal voter, one with a proxy, one anonymous, one added too
    late), a station per ward, districts allotted, the notice of election published, run 1 signed off."""
    place.ro = make_user(Role.RETURNING_OFFICER, place.authority)
    place.people = {
        "plain": place.add("NA", "Plain", first_names="Pat"),
        "postal": place.add("NA", "Postal", absent_vote="postal"),
        "proxy": place.add(
            "NB",
            "Proxied",
            absent_vote="proxy",
            proxy_name="Rita Proxy",
            proxy_address="9 Other Road, Elsewhere, ZZ9 9ZZ",
        ),
        "anonymous": place.add("NB", "Hidden", markers="N", is_anonymous=True),
        "south": place.add("SA", "Southerner"),
        "late": place.add("NA", "Toolate", dt.date(2027, 5, 1)),
    }
    place.station("N1", "NA")
    place.station("S1", "SA")
    for code, station in (("NA", "N1"), ("NB", "N1"), ("SA", "S1")):
        services.station_allocation_set(
            acting_user=None, poll=place.poll, district=place.districts[code], station=place.stations[station]
        )
    elections.election_notice_publish(acting_user=None, group=place.election)
    run = place.run()
    services.eligibility_run_sign_off(acting_user=place.ro, run=run, exclusions_reviewed=True)
    place.signed = run
    return place


def job_files(job):
    job.refresh_from_db()
    return {f["name"]: Path(settings.JOB_FILES_DIR) / f["path"] for f in job.result_files}


def test_station_allocation_warnings_follow_the_guidance():
    # EC guidance (elections.md §4.2): PO + 2 clerks up to 1,250; PO + 3 up to 2,250; at most 2,250.
    day = dt.date(2027, 5, 6)
    assert law.station_advice(1250, day).poll_clerks == 2
    assert law.station_advice(1251, day).poll_clerks == 3
    assert law.station_advice(2250, day).warnings == ()
    over = law.station_advice(2251, day)
    assert over.warnings and "2,250" in over.warnings[0]
    assert law.station_advice(10, day, polls=2).warnings  # a combined poll: consider more staff


def test_allocation_refuses_overlaps_and_districts_outside_the_poll(ready):
    place = ready
    other = place.station("N2", "NA")
    with pytest.raises(ValidationError, match="already allotted"):
        services.station_allocation_set(
            acting_user=None, poll=place.poll, district=place.districts["NA"], station=other, from_number=1, to_number=5
        )
    rows = selectors.station_rows(place.poll, place.signed)
    north = next(r for r in rows if r.station.code == "N1")
    assert (north.electors, north.postal) == (4, 1)  # Plain, Postal, Proxied, Hidden (Toolate is excluded)
    assert "No accessibility survey recorded" in north.warnings
    services.station_details_save(
        acting_user=None, station=place.stations["N1"],
        values={"step_free": True, "private_id_area": True, "lighting_ok": True, "hire_cost_pence": 12050},
    )  # fmt: skip
    north = next(r for r in selectors.station_rows(place.poll, place.signed) if r.station.code == "N1")
    assert north.warnings == []


def test_ballot_paper_ranges_never_overlap_within_a_ballot(ready):
    made = services.ballot_papers_allocate(acting_user=None, poll=ready.poll)
    by_ballot = {}
    for found in made:
        by_ballot.setdefault(found.ballot_id, []).append((found.first_number, found.last_number))
    for spans in by_ballot.values():
        spans.sort()
        assert spans[0][0] == 1
        for (_a_first, a_last), (b_first, _b_last) in itertools.pairwise(spans):
            assert a_last < b_first
    north = ready.ballot(ready.north)
    station = BallotPaperRange.objects.get(ballot=north, station=ready.stations["N1"])
    assert station.electors == 3  # in person: the postal voter has a postal paper instead
    assert station.size == law.ballot_papers_needed(3) == 50  # 3 + a book's margin, in books of 25


def test_packs_and_poll_cards_are_produced_from_the_signed_off_run_only(ready):
    place = ready
    with pytest.raises(ValidationError, match="Number the ballot papers"):
        services.station_packs_start(acting_user=None, poll=place.poll, enqueue=False)
    services.ballot_papers_allocate(acting_user=None, poll=place.poll)
    job = services.station_packs_start(acting_user=None, poll=place.poll, enqueue=False)
    assert execute(job.pk) == "succeeded", job.errors
    files = job_files(job)
    pack = next(path for name, path in files.items() if "station-N1" in name)
    assert pack.read_bytes().startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(pack).pages)
    assert "Plain, Pat" in text and "Toolate" not in text
    assert "Hidden" not in text  # anonymous: number and N only
    assert "Rita Proxy" in text  # list of proxies
    assert "Corresponding number list" in text and "Ballot paper account" in text

    job = services.poll_cards_start(acting_user=None, poll=place.poll, enqueue=False)
    assert execute(job.pk) == "succeeded", job.errors
    files = job_files(job)
    supplier = next(path for name, path in files.items() if name.endswith(".csv") and "anonymous" not in name)
    rows = list(csv.DictReader(io.StringIO(supplier.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == CARD_FIELDS
    by_name = {(r["elector_surname"], r["card_type"]): r for r in rows}
    assert ("Toolate", "elector") not in by_name  # added after the deadline: no card
    assert by_name[("Postal", "postal")]["form"] == "A1"
    assert by_name[("Plain", "elector")]["station_name"] == "N1 Village Hall"
    proxy_card = by_name[("Proxied", "proxy")]
    assert (proxy_card["form"], proxy_card["deliver_to_name"], proxy_card["deliver_to_postcode"]) == (
        "B", "Rita Proxy", "ZZ9 9ZZ",
    )  # fmt: skip
    assert not any(r["elector_surname"] == "Hidden" for r in rows)
    inhouse = next(path for name, path in files.items() if "anonymous" in name and name.endswith(".csv"))
    assert "NB-" in inhouse.read_text(encoding="utf-8")
    pdfs = [path for name, path in files.items() if name.endswith(".pdf")]
    assert pdfs and all(p.read_bytes().startswith(b"%PDF") for p in pdfs)

    # A change to the register makes the signed-off list stale: cards are refused again.
    alterations.elector_add(
        acting_user=None, authority=place.authority, polling_district=place.districts["SA"], first_names="New",
        surname="Comer", reason="test", effective_date=dt.date(2027, 1, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="out of date"):
        services.poll_cards_start(acting_user=None, poll=place.poll, enqueue=False)


def test_poll_cards_wait_for_the_notice_of_election(place, make_user):
    place.add("NA", "Voter")
    run = place.run()
    services.eligibility_run_sign_off(acting_user=make_user(Role.ERO, place.authority), run=run)
    with pytest.raises(ValidationError, match="notice of election"):
        services.poll_cards_start(acting_user=None, poll=place.poll, enqueue=False)


def test_qr_code_is_an_svg_path():
    svg = qr_svg("AB-124/1")
    assert svg.startswith("<svg") and "<path" in svg


def test_map_draws_district_polygons_and_station_points():
    from ems.polling.mapping import map_svg

    ring = [[-1.5, 52.0], [-1.49, 52.0], [-1.49, 52.01], [-1.5, 52.01], [-1.5, 52.0]]
    svg = map_svg(
        {
            "districts": [
                {
                    "code": "AA",
                    "name": "North <A>",
                    "station": "1",
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            ],
            "stations": [{"label": "1", "name": "Hall", "lat": 52.005, "lon": -1.495}],
        }
    )
    assert svg.startswith("<svg") and "<path" in svg and "<circle" in svg
    assert ">AA</text>" in svg and "North &lt;A&gt;" in svg  # text is escaped
    assert map_svg({"districts": [], "stations": []}) == ""


@given(st.integers(min_value=0, max_value=5000))
def test_ballot_paper_ranges_cover_every_elector_in_whole_books(electors):
    needed = law.ballot_papers_needed(electors)
    assert needed % law.BOOK_SIZE == 0
    assert needed >= electors + law.MIN_MARGIN or electors == 0


@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=0, max_value=5000))
def test_staff_advice_never_falls_as_the_electorate_grows(a, b):
    day = dt.date(2027, 5, 6)
    low, high = sorted((a, b))
    assert law.station_advice(low, day).poll_clerks <= law.station_advice(high, day).poll_clerks
