"""The count pages: permissions, tenancy and bad input on every count URL, the whole count through
the forms, and clear errors (never a 500)."""

from __future__ import annotations

import io

import pytest
from counting_helpers import contested
from django.test import Client
from docx import Document

from ems.accounts.roles import ROLE_PERMISSIONS, Role
from ems.counting import selectors
from ems.counting.models import CountSession, CountState, Declaration, Recount
from support.urls import World, project_routes

pytestmark = pytest.mark.django_db

MINE = ("count/", "results/")


def _mine(world):
    """The count's URLs only (World.urls() would need every other app's parameters too)."""
    routes = [r for r in project_routes() if r.route.startswith(MINE)]
    return [(r, r.fill({p: world.value_for(r, p)[0] for p in r.params})) for r in routes]


def _guard(callback):
    for attribute in ("ems_permission", "ems_public", "ems_signed_in"):
        if hasattr(callback, attribute):
            return attribute, getattr(callback, attribute)
    return None, None


def test_every_count_view_declares_one_access_rule():
    routes = [r for r in project_routes() if r.route.startswith(MINE)]
    assert len(routes) >= 25
    assert all(_guard(r.callback)[0] for r in routes)
    public = {r.name for r in routes if _guard(r.callback)[0] == "ems_public"}
    assert public == {
        "results:index",
        "results:election",
        "results:election-file",
        "results:ballot",
        "results:ballot-file",
    }


@pytest.mark.parametrize("role", list(Role.values))
def test_each_role_reaches_exactly_the_count_pages_its_permissions_allow(role, authority_a, make_user, client_for):
    world = World(authority_a, "MARK")
    client = client_for(make_user(role, authority_a))
    granted = ROLE_PERMISSIONS[role]
    for route, url in _mine(world):
        kind, permission = _guard(route.callback)
        if kind != "ems_permission":
            continue
        response = client.get(url)
        if permission in granted:
            assert response.status_code in (200, 302), f"{role} should reach {url}: {response.status_code}"
        else:
            assert response.status_code == 403, f"{role} must not reach {url}: {response.status_code}"


def test_another_authoritys_count_records_are_404_and_never_shown(authority_a, authority_b, make_user, client_for):
    World(authority_a, "ALPHAMARK")
    world_b = World(authority_b, "BETAMARK")
    client = client_for(make_user(Role.MANAGER, authority_a))
    for route, url in _mine(world_b):
        if not route.params:
            continue
        response = client.get(url)
        assert response.status_code == 404, f"{url} answered {response.status_code} for another authority"
        assert b"BETAMARK" not in response.content


def test_bad_input_at_every_count_url_is_never_a_500(authority_a, make_user, client_for):
    world = World(authority_a, "MARK")
    client = client_for(make_user(Role.MANAGER, authority_a))
    client.raise_request_exception = False
    failures = []
    for route, url in _mine(world):
        for query in ("page=abc", "language=xx", "%zz=%zz"):
            response = client.get(f"{url}?{query}")
            if response.status_code >= 500:
                failures.append(f"GET {url}?{query}")
        for body in (
            {"action": "verify", "papers_counted": "-3"},
            {"action": "nonsense"},
            {"confirm": "\x00"},
            {"decision": "rejected", "head": "bogus", "papers": "x" * 5000},
            {"seed": "99999999999999999999"},
            {"file": "not a file"},
            {"station": "999999", "kind": "station", "bpa_issued": "1e9"},
        ):
            response = client.post(url, body)
            if response.status_code >= 500:
                failures.append(f"POST {url} {sorted(body)}")
        for bad in ("0", "2147483648", "99999999999999999999"):
            if route.params:
                response = client.get(route.fill({p: bad if p != "fmt" else "csv" for p in route.params}))
                if response.status_code >= 500:
                    failures.append(f"GET {route.route} with {bad}")
    assert not failures, "\n".join(failures)


# ---- the count through the pages ------------------------------------------------------------


@pytest.fixture
def clients(authority_a, make_user, client_for):
    return client_for(make_user(Role.POLL_STAFF, authority_a)), client_for(
        make_user(Role.RETURNING_OFFICER, authority_a)
    )


def _ok(response):
    assert response.status_code in (200, 302), response.status_code
    return response


def test_the_whole_count_through_the_pages(contest, clients):
    staff, ro = clients
    ballot = contest.ballot
    base = f"/count/ballots/{ballot.pk}/"
    assert ballot.title.encode() in _ok(staff.get("/count/")).content

    # Register boxes: errors first, then two boxes (one with a variance) and a postal box.
    response = staff.post(base + "boxes/add/", {"label": "", "kind": "station", "bpa_issued": "x"})
    assert response.status_code == 200 and b"govuk-error-summary" in response.content
    assert b"Enter box number or label" in response.content and b"must be a whole number" in response.content
    response = staff.post(base + "boxes/add/", {"label": "1", "kind": "station", "bpa_issued": "400"})
    assert b"Choose the polling station the box comes from" in response.content
    station = str(contest.station.pk)
    _ok(staff.post(base + "boxes/add/", {"label": "1", "kind": "station", "station": station, "bpa_issued": "400"}))
    _ok(staff.post(base + "boxes/add/", {"label": "2", "kind": "station", "station": station, "bpa_issued": "300"}))
    _ok(staff.post(base + "boxes/add/", {"label": "PV1", "kind": "postal", "bpa_issued": "100"}))
    response = staff.post(base + "boxes/add/", {"label": "1", "kind": "postal", "bpa_issued": "1"})
    assert b"There is already a box 1 for this ballot" in response.content
    session = CountSession.objects.get(ballot=ballot)
    boxes = {b.label: b for b in session.boxes.all()}

    # Verification before receipt is refused with a message.
    response = staff.post(f"/count/boxes/{boxes['1'].pk}/", {"action": "verify", "papers_counted": "400"})
    assert b"Record the receipt of box 1 first" in response.content
    for label, counted in (("1", "400"), ("2", "301"), ("PV1", "100")):
        _ok(staff.post(f"/count/boxes/{boxes[label].pk}/", {"action": "receive", "delivered_by": "PO"}))
        _ok(staff.post(f"/count/boxes/{boxes[label].pk}/", {"action": "verify", "papers_counted": counted}))
    page = _ok(staff.get(base)).content
    assert b"Variance to resolve" in page

    # Finalising is refused until the variance is resolved by the Returning Officer's side.
    assert staff.get(base + "verification/finalise/").status_code == 403
    response = ro.post(base + "verification/finalise/", {"confirm": "on"})
    assert b"variance of +1 must be explained" in response.content
    assert staff.get(f"/count/boxes/{boxes['2'].pk}/resolve/").status_code == 403
    response = ro.post(f"/count/boxes/{boxes['2'].pk}/resolve/", {"explanation": "", "resolution": ""})
    assert b"Enter explanation" in response.content
    _ok(
        ro.post(
            f"/count/boxes/{boxes['2'].pk}/resolve/", {"explanation": "Postal paper in box 2", "resolution": "Accepted"}
        )
    )
    assert b"Postal paper in box 2" in _ok(staff.get(base + "verification/")).content
    _ok(ro.post(base + "verification/finalise/", {"confirm": "on"}))
    session.refresh_from_db()
    assert session.state == CountState.COUNTING

    # The count: a missing figure is an error; then the figures.
    ids = {c.surname: c.pk for c in contest.candidates}
    response = staff.post(base + "count/", {f"votes_{ids['Adams']}": "400"})
    assert b"Enter the votes for BROWN, Alex" in response.content
    _ok(
        staff.post(
            base + "count/",
            {f"votes_{ids['Adams']}": "420", f"votes_{ids['Brown']}": "300", f"votes_{ids['Clark']}": "76"},
        )
    )
    page = _ok(staff.get(base + "provisional/")).content
    assert b"Provisional result" in page and b"does not reconcile" in page

    # Doubtful papers: the Returning Officer's side only.
    assert staff.get(base + "doubtful/").status_code == 403
    response = ro.post(base + "doubtful/", {"decision": "rejected", "papers": "2"})
    assert b"Choose the reason the papers are rejected" in response.content
    _ok(ro.post(base + "doubtful/", {"decision": "rejected", "head": "unmarked", "papers": "3", "objected": "on"}))
    _ok(ro.post(base + "doubtful/", {"decision": "rejected", "head": "identifying", "papers": "2"}))
    page = _ok(ro.get(base + "doubtful/")).content
    assert b"rejection objected to" in page

    # A recount is requested and granted; the recount's figures are entered.
    response = staff.post(base + "recount/", {"requested_by": "", "reason": ""})
    assert b"Enter who asked for the recount" in response.content
    _ok(
        staff.post(
            base + "recount/",
            {"requested_by": "Bea Agent", "candidate": str(ids["Brown"]), "reason": "Bundles of 50 looked short"},
        )
    )
    assert Recount.objects.get().candidate_id == ids["Brown"]
    response = ro.post(base + "recount/decide/", {"decision": "refuse", "reason": ""})
    assert b"Give the reason for refusing the recount" in response.content
    _ok(ro.post(base + "recount/decide/", {"decision": "grant"}))
    _ok(
        staff.post(
            base + "count/",
            {f"votes_{ids['Adams']}": "419", f"votes_{ids['Brown']}": "301", f"votes_{ids['Clark']}": "76"},
        )
    )
    page = _ok(staff.get(base)).content
    assert b"Recount 1" in page and b"First count" in page  # the earlier figures stay on the page

    # The declaration: the electorate first, then the RO declares.
    response = ro.post(base + "declare/", {"confirm": "on"})
    assert b"govuk-error-summary" in response.content and b"Record the electorate first" in response.content
    response = staff.post(base + "electorate/", {"source": "entered", "electorate": ""})
    assert b"Enter the electorate figure" in response.content
    _ok(staff.post(base + "electorate/", {"source": "entered", "electorate": "1600"}))
    response = ro.post(base + "declare/", {})
    assert b"Confirm that the candidates and agents have seen the provisional result" in response.content
    response = _ok(ro.post(base + "declare/", {"confirm": "on"}))
    declaration = Declaration.objects.get(session=session)
    assert declaration.ballot_papers == 801 and declaration.rejected == 5
    page = _ok(staff.get(base + "provisional/")).content
    assert b"Declared result" in page and b"50.06%" in page  # 801 / 1,600

    # The declaration of result as Word (through the elections notice) and PDF.
    response = staff.get(base + "declaration.docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    tables = " ".join(c.text for t in Document(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells)
    assert "DECLARATION OF RESULT" in text and "ADAMS, Alex" in text + tables and "419" in tables
    assert staff.get(base + "declaration.pdf").content.startswith(b"%PDF")
    assert staff.get(base + "declaration.txt").status_code == 404


def test_a_tie_is_drawn_by_lot_from_the_page(contest, clients):
    staff, ro = clients
    session = _finalised(contest)
    ids = {c.surname: c.pk for c in contest.candidates}
    base = f"/count/ballots/{contest.ballot.pk}/"
    _ok(
        staff.post(
            base + "count/",
            {f"votes_{ids['Adams']}": "40", f"votes_{ids['Brown']}": "40", f"votes_{ids['Clark']}": "20"},
        )
    )
    page = _ok(ro.get(base + "provisional/")).content
    assert b"Equality of votes" in page and b"Decide the tie by lot" in page
    response = ro.post(base + "lot/", {"seed": "abc"})
    assert b"must be a whole number" in response.content
    _ok(ro.post(base + "lot/", {"seed": "4242"}))
    count_round = selectors.current_round(session)
    assert count_round.seed == 4242 and len(count_round.elected) == 1
    assert b"decided by lot, recorded number 4242" in _ok(ro.get(base + "provisional/")).content


def _finalised(contest):
    from ems.counting import services as counting

    box = counting.ballot_box_add(acting_user=None, ballot=contest.ballot, label="1", bpa_issued=100)
    counting.box_receive(acting_user=None, box=box)
    counting.verification_record(acting_user=None, box=box, papers_counted=100)
    return counting.verification_finalise(acting_user=None, session=CountSession.objects.get(ballot=contest.ballot))


def test_an_stv_ballot_asks_for_the_preference_file(contest, clients):
    staff, _ro = clients
    type(contest.ballot).objects.filter(pk=contest.ballot.pk).update(voting_system="stv")
    _finalised(contest)
    base = f"/count/ballots/{contest.ballot.pk}/"
    assert b"Preference file (BLT)" in _ok(staff.get(base + "count/")).content
    response = staff.post(base + "count/", {})
    assert b"Choose the e-count&#39;s preference file" in response.content
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.blt", b"3 1\n1 9 0\n0\n")
    response = staff.post(base + "count/", {"file": bad})
    assert response.status_code == 200 and b"unknown candidate number 9" in response.content


def test_uncontested_ballots_say_there_is_no_count(authority_a, clients):
    staff, _ro = clients
    lone = contested(authority_a, surnames=("Solo",), ward_name="Quiet", code="QU")
    page = _ok(staff.get(f"/count/ballots/{lone.ballot.pk}/")).content
    assert b"returned unopposed" in page
    assert b"returned unopposed" in _ok(staff.get(f"/count/ballots/{lone.ballot.pk}/boxes/add/")).content


def test_verification_statement_files(contest, clients):
    staff, _ro = clients
    _finalised(contest)
    base = f"/count/ballots/{contest.ballot.pk}/"
    csv_body = staff.get(base + "verification.csv").content.decode()
    assert csv_body.splitlines()[0] == "box,source,bpa_issued,papers_counted,variance,explanation"
    assert "Total,1 boxes,100,100,0," in csv_body
    docx = staff.get(base + "verification.docx").content
    assert "VERIFICATION STATEMENT" in " ".join(p.text.upper() for p in Document(io.BytesIO(docx)).paragraphs)
    assert staff.get(base + "verification.pdf").content.startswith(b"%PDF")
    assert staff.get(base + "verification.xls").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(contest):
    response = Client().get(f"/count/ballots/{contest.ballot.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")
