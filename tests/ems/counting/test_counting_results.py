"""The public results: no sign-in, declared ballots only, CSV and JSON with the published
figures (candidates, parties, votes, elected, rejected papers by head, turnout both ways) and
never any elector data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from counting_helpers import contested, declare
from django.test import Client

from ems.elections.models import Ballot, BallotStatus
from ems.register.models import Elector

pytestmark = pytest.mark.django_db


@pytest.fixture
def declared(contest):
    declare(
        contest, {"Adams": 1200, "Brown": 650, "Clark": 130}, rejected={"unmarked": 12, "too_many": 3}, electorate=4000
    )
    contest.ballot.refresh_from_db()
    return contest


def test_the_public_result_page_needs_no_sign_in(declared):
    client = Client()
    page = client.get(f"/results/ballots/{declared.ballot.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    for text in (
        "ADAMS, Alex",
        "Adams Party",
        "1,200",
        "Elected",
        "Unmarked or wholly void for uncertainty",
        "49.88%",
        "49.50%",
        "4,000",
    ):
        assert text in body, text
    index = client.get("/results/").content.decode()
    assert declared.group.name in index
    group = client.get(f"/results/{declared.group.pk}/").content.decode()
    assert declared.ballot.title in group and "ADAMS, Alex" in group


def test_csv_has_one_row_per_candidate_with_the_ballots_figures(declared):
    body = Client().get(f"/results/ballots/{declared.ballot.pk}/results.csv")
    assert body["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.content.decode())))
    assert [(r["candidate"], r["party"], r["votes"], r["elected"]) for r in rows] == [
        ("ADAMS, Alex", "Adams Party", "1200", "yes"),
        ("BROWN, Alex", "Brown Party", "650", "no"),
        ("CLARK, Alex", "Clark Party", "130", "no"),
    ]
    first = rows[0]
    assert first["ballot_paper_id"] == declared.ballot.dc_ballot_id
    assert (first["rejected_unmarked"], first["rejected_too_many"], first["rejected_no_official_mark"]) == (
        "12",
        "3",
        "0",
    )
    assert first["rejected_total"] == "15" and first["ballot_papers"] == "1995" and first["valid_papers"] == "1980"
    # 1,995 / 4,000 = 49.875% -> 49.88 (half up); 1,980 / 4,000 = 49.50%.
    assert (first["turnout_ballot_papers_percent"], first["turnout_valid_percent"]) == ("49.88", "49.50")
    group_rows = list(
        csv.DictReader(io.StringIO(Client().get(f"/results/{declared.group.pk}/results.csv").content.decode()))
    )
    assert len(group_rows) == 3


def test_json_carries_the_published_figures_only(declared):
    data = json.loads(Client().get(f"/results/ballots/{declared.ballot.pk}/results.json").content)
    assert set(data) == {
        "election",
        "election_id",
        "ballot_paper_id",
        "ballot",
        "council",
        "election_date",
        "seats",
        "voting_system",
        "declared_at",
        "candidates",
        "rejected",
        "rejected_labels",
        "rejected_total",
        "ballot_papers",
        "valid_papers",
        "valid_votes",
        "electorate",
        "turnout_ballot_papers_percent",
        "turnout_valid_percent",
        "tie_breaks",
    }
    assert data["candidates"][0] == {"name": "ADAMS, Alex", "party": "Adams Party", "votes": 1200, "elected": True}
    assert data["rejected"] == {"no_official_mark": 0, "too_many": 3, "identifying": 0, "unmarked": 12}
    assert data["turnout_ballot_papers_percent"] == "49.88" and data["turnout_valid_percent"] == "49.50"
    group = json.loads(Client().get(f"/results/{declared.group.pk}/results.json").content)
    assert [b["ballot_paper_id"] for b in group["ballots"]] == [declared.ballot.dc_ballot_id]


def test_no_elector_data_is_ever_published(declared):
    electors = list(Elector.records.filter(authority=declared.ballot.authority))
    assert electors
    client = Client()
    for url in (
        f"/results/ballots/{declared.ballot.pk}/",
        f"/results/ballots/{declared.ballot.pk}/results.csv",
        f"/results/ballots/{declared.ballot.pk}/results.json",
        f"/results/{declared.group.pk}/results.json",
        f"/results/{declared.group.pk}/",
        "/results/",
    ):
        body = client.get(url).content.decode()
        for elector in electors:
            assert elector.surname not in body and elector.first_names not in body, url
            assert elector.elector_number_display not in body, url
        assert "home_address" not in body and "1 Adams Road" not in body  # candidates' addresses are not results


def test_undeclared_ballots_are_not_shown(declared, authority_a):
    client = Client()
    pending = contested(authority_a, election_type="parish", ward_name="Parish", code="PA")
    assert client.get(f"/results/ballots/{pending.ballot.pk}/").status_code == 404
    assert client.get(f"/results/ballots/{pending.ballot.pk}/results.json").status_code == 404
    assert client.get(f"/results/{pending.group.pk}/").status_code == 404
    assert pending.group.name not in client.get("/results/").content.decode()
    # A second ballot of the declared election, not yet declared, stays off the election's page and files.
    other = Ballot.objects.create(
        authority=authority_a,
        group=declared.group,
        title="Other ward",
        dc_ballot_id="local.other.x",
        status=BallotStatus.SOPN_PUBLISHED,
    )
    assert "Other ward" not in client.get(f"/results/{declared.group.pk}/").content.decode()
    assert "Other ward" not in client.get(f"/results/{declared.group.pk}/results.csv").content.decode()
    assert client.get(f"/results/ballots/{other.pk}/").status_code == 404
    assert client.get(f"/results/ballots/{declared.ballot.pk}/results.xml").status_code == 404
