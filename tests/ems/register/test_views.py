"""The officers' register pages: search, elector and property pages, add/amend/delete, notices,
bulk changes with preview, and the dashboard figures."""

import datetime as dt

import pytest
from django.utils import timezone

from ems.accounts.roles import Role
from ems.audit.models import AuditEvent
from ems.geography.models import AreaType, ElectoralArea, PollingDistrict
from ems.register import services_alterations as alterations
from ems.register.models import AbsentVote, Alteration, AlterationKind, Elector, Property, SpecialCategory
from ems.register.selectors import elector_search_for_user, parse_register_query, register_dashboard_for_user


def build_register(authority):
    """Two wards (one parished), three districts, a few properties and electors added by the service."""
    north = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name="North")
    south = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name="South")
    parish = ElectoralArea.objects.create(authority=authority, area_type=AreaType.PARISH, name="Littleton")
    aa = PollingDistrict.objects.create(authority=authority, code="AA", name="Alpha", ward=north, parish=parish)
    ab = PollingDistrict.objects.create(authority=authority, code="AB", name="Beta", ward=north)
    ba = PollingDistrict.objects.create(authority=authority, code="BA", name="Gamma", ward=south)
    props = {
        "high": Property.objects.create(
            authority=authority, uprn=100023456789, address_1="1 High Street", address_2="Littleton",
            postcode="AB1 2CD", polling_district=aa, walk_order=1,
        ),
        "mill": Property.objects.create(
            authority=authority, uprn=100023456790, address_1="2 Mill Lane", postcode="AB12 3EF",
            polling_district=ab, walk_order=1,
        ),
        "flat": Property.objects.create(
            authority=authority, uprn=100023456791, address_1="Flat 4", address_2="Oak Court",
            address_3="9 Church Road", postcode="CD3 4GH", polling_district=ba, walk_order=1,
        ),
    }  # fmt: skip
    start = timezone.localdate() - dt.timedelta(days=90)

    def add(district, prop, first, last, **fields):
        return alterations.elector_add(
            acting_user=None, authority=authority, polling_district=district, property=props[prop],
            first_names=first, surname=last, reason="ITR response", effective_date=start, **fields,
        )  # fmt: skip

    people = {
        "john": add(aa, "high", "John", "Smith", absent_vote=AbsentVote.POSTAL),
        "ann": add(aa, "high", "Ann", "Goldsmith", open_register_opt_out=True, markers="G"),
        "mary": add(ab, "mill", "Mary", "Jones", attainer_date=start + dt.timedelta(days=200)),
        "omar": add(ba, "flat", "Omar", "Khan", absent_vote=AbsentVote.PROXY, proxy_name="Sam Khan"),
        "gone": add(ba, "flat", "Peter", "Smithers", special_category=SpecialCategory.SERVICE),
    }
    alterations.elector_delete(acting_user=None, elector=people["gone"], reason="Moved away", effective_date=start)
    return {"districts": {"AA": aa, "AB": ab, "BA": ba}, "props": props, "people": people, "start": start}


@pytest.fixture
def register(authority_a):
    return build_register(authority_a)


@pytest.fixture
def officer(authority_a, make_user):
    return make_user(Role.OFFICER, authority_a)


@pytest.fixture
def officer_client(officer, client_for):
    return client_for(officer)


def found(user, query, include_deleted=False):
    return sorted(e.surname for e in elector_search_for_user(user, query, include_deleted=include_deleted))


# ---- search ---------------------------------------------------------------------------------


def test_the_search_box_reads_what_was_typed():
    assert parse_register_query("AA-12").kinds == ["elector_number"]
    number = parse_register_query("aa-12/3")
    assert (number.district_code, number.number, number.suffix) == ("AA", 12, 3)
    assert parse_register_query("AA12").kinds == ["elector_number", "outward_postcode"]  # both are searched
    assert parse_register_query("AAB12").kinds == ["elector_number"]
    assert parse_register_query("1DGA-5").district_code == "1DGA"
    assert parse_register_query("100023456789").kinds == ["uprn"]
    assert parse_register_query("ab12cd").postcode == "AB1 2CD"
    assert parse_register_query("SW1A 1AA").postcode == "SW1A 1AA"
    assert parse_register_query("AB12").kinds == ["elector_number", "outward_postcode"]
    assert parse_register_query("SW1A").kinds == ["outward_postcode"]
    text = parse_register_query("  john   SMI ")
    assert (text.kinds, text.tokens) == (["text"], ["john", "smi"])
    assert parse_register_query("").kinds == [] and parse_register_query("x").kinds == []


@pytest.mark.django_db
def test_search_by_name_fragments(register, officer):
    assert found(officer, "smi") == ["Goldsmith", "Smith"]  # current electors only
    assert found(officer, "smi", include_deleted=True) == ["Goldsmith", "Smith", "Smithers"]
    assert found(officer, "john smi") == ["Smith"]
    assert found(officer, "SMITH, John") == ["Smith"]
    assert found(officer, "nobody") == []


@pytest.mark.django_db
def test_search_by_address_fragment_including_flats(register, officer):
    assert found(officer, "high street") == ["Goldsmith", "Smith"]
    assert found(officer, "church road") == ["Khan"]  # the street is on line 3 of a flat's address
    assert found(officer, "oak court omar") == ["Khan"]  # name and address fragments together
    assert found(officer, "mill mary") == ["Jones"]


@pytest.mark.django_db
def test_search_by_elector_number(register, officer):
    john = register["people"]["john"]
    assert john.elector_number_display == "AA-1"
    assert found(officer, "AA-1") == ["Goldsmith", "Smith"]  # AA-1 and AA-1/1
    assert found(officer, "aa-1/1") == ["Goldsmith"]
    assert found(officer, "AA1") == ["Goldsmith", "Smith"]
    assert found(officer, "ZZ-1") == []


@pytest.mark.django_db
def test_search_by_uprn_and_postcode(register, officer):
    assert found(officer, "100023456790") == ["Jones"]
    assert found(officer, "ab1 2cd") == ["Goldsmith", "Smith"]
    assert found(officer, "AB12CD") == ["Goldsmith", "Smith"]
    # "AB1" is both elector number AB-1 (Mary Jones) and outward code AB1 (not AB12 3EF).
    assert found(officer, "AB1") == ["Goldsmith", "Jones", "Smith"]
    assert found(officer, "AB12") == ["Jones"]  # outward AB12; there is no elector AB-12
    assert found(officer, "CD3") == ["Khan"]
    assert found(officer, "CD3 4GH") == ["Khan"]


@pytest.mark.django_db
def test_search_page_lists_results_with_links(register, officer_client):
    john = register["people"]["john"]
    page = officer_client.get("/register/search/", {"q": "john smi"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/register/electors/{john.pk}/"' in html
    assert "AA-1" in html and "1 High Street" in html and "AB1 2CD" in html
    assert "a name or address" in html
    empty = officer_client.get("/register/search/", {"q": "zzzzzz"})
    assert "Nothing to show." in empty.content.decode()
    sorted_page = officer_client.get("/register/search/", {"q": "smi", "sort": "-number"})
    assert sorted_page.status_code == 200


@pytest.mark.django_db
def test_search_and_pages_never_cross_authorities(register, authority_b, officer, officer_client):
    other = build_register(authority_b)
    assert found(officer, "smi") == ["Goldsmith", "Smith"]
    assert not elector_search_for_user(officer, "smi").exclude(authority=officer.authority).exists()
    stranger = other["people"]["john"]
    for url in (
        f"/register/electors/{stranger.pk}/",
        f"/register/electors/{stranger.pk}/amend/",
        f"/register/properties/{other['props']['high'].pk}/",
        f"/register/notices/{stranger.alterations.first().notice_id}/",
    ):
        assert officer_client.get(url).status_code == 404, url
    response = officer_client.post(f"/register/electors/{stranger.pk}/amend/", {"surname": "X", "reason": "r"})
    assert response.status_code == 404
    assert Elector.records.get(pk=stranger.pk).surname == "Smith"


# ---- elector page, amend, delete, add -------------------------------------------------------


def amend_data(elector, **changes):
    data = {
        "title": elector.title, "first_names": elector.first_names, "surname": elector.surname,
        "markers": elector.markers, "nationality": elector.nationality,
        "special_category": elector.special_category, "absent_vote": elector.absent_vote,
        "proxy_name": elector.proxy_name, "reason": "",
    }  # fmt: skip
    if elector.open_register_opt_out:
        data["open_register_opt_out"] = "on"
    data.update(changes)
    return data


@pytest.mark.django_db
def test_amend_with_a_reason_records_an_alteration_and_audit_and_shows_it(register, officer, officer_client):
    john = register["people"]["john"]
    url = f"/register/electors/{john.pk}/amend/"
    form = officer_client.get(url)
    assert form.status_code == 200 and 'value="Smith"' in form.content.decode()

    response = officer_client.post(url, amend_data(john, surname="Smyth", reason="Marriage certificate seen"))
    assert response.status_code == 302 and response["Location"] == f"/register/electors/{john.pk}/"
    alteration = Alteration.objects.filter(elector=john).latest("id")
    assert alteration.kind == AlterationKind.AMEND and alteration.reason == "Marriage certificate seen"
    assert alteration.entry["surname"] == "Smyth" and alteration.created_by == officer
    event = AuditEvent.objects.filter(action="register.elector.amend", object_id=str(john.pk)).get()
    assert event.changes["surname"] == ["Smith", "Smyth"] and event.reason == "Marriage certificate seen"

    page = officer_client.get(response["Location"]).content.decode()
    assert "The entry was amended" in page  # the success banner
    assert "Smyth" in page and "Marriage certificate seen" in page
    assert "Surname</strong>: Smith → Smyth" in page
    assert "register.elector.amend" in page  # the audit history of this elector


@pytest.mark.django_db
def test_amend_without_a_reason_shows_the_error_summary_and_writes_nothing(register, officer_client):
    john = register["people"]["john"]
    counts = (Alteration.objects.count(), AuditEvent.objects.count())
    response = officer_client.post(f"/register/electors/{john.pk}/amend/", amend_data(john, surname="Smyth"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "Enter a reason for the change" in html
    assert 'href="#id_reason"' in html
    assert (Alteration.objects.count(), AuditEvent.objects.count()) == counts
    assert Elector.records.get(pk=john.pk).surname == "Smith"


@pytest.mark.django_db
def test_amend_refuses_bad_input_and_service_errors_with_a_summary(register, officer_client):
    john = register["people"]["john"]
    url = f"/register/electors/{john.pk}/amend/"
    counts = (Alteration.objects.count(), AuditEvent.objects.count())
    cases = [
        (amend_data(john, reason="x"), "You have not changed anything"),
        (amend_data(john, markers="Q9", reason="x"), "Markers must be letters"),
        (amend_data(john, date_of_birth="31/02/1990", reason="x"), "must be a real date"),
        (amend_data(john, surname="", reason="x"), "Enter the surname"),
        (amend_data(john, absent_vote="proxy", reason="x"), "Enter the proxy"),
        # The service refuses a change dated before the elector's last one.
        (amend_data(john, surname="Smyth", reason="x", effective_date="1/1/2000"), "date order"),
    ]
    for data, message in cases:
        response = officer_client.post(url, data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "govuk-error-summary" in html and message in html, message
    assert (Alteration.objects.count(), AuditEvent.objects.count()) == counts


@pytest.mark.django_db
def test_delete_needs_a_reason_and_confirmation(register, officer_client):
    mary = register["people"]["mary"]
    url = f"/register/electors/{mary.pk}/delete/"
    assert officer_client.get(url).status_code == 200
    refused = officer_client.post(url, {"reason": "Moved out"}).content.decode()
    assert "Confirm that this entry should be deleted" in refused
    assert Elector.records.get(pk=mary.pk).deleted_on is None
    response = officer_client.post(url, {"reason": "Moved out", "confirm": "on"})
    assert response.status_code == 302
    mary.refresh_from_db()
    assert mary.deleted_on is not None
    assert Alteration.objects.filter(elector=mary, kind=AlterationKind.DELETE, reason="Moved out").exists()
    assert officer_client.get(url).status_code == 302  # already deleted: back to the elector page


@pytest.mark.django_db
def test_add_an_elector_at_a_property(register, officer_client):
    prop = register["props"]["mill"]
    url = f"/register/properties/{prop.pk}/add-elector/"
    assert officer_client.get(url).status_code == 200
    refused = officer_client.post(url, {"polling_district": register["districts"]["AB"].pk, "surname": "Patel"})
    assert (
        "Enter the elector&#39;s first names" in refused.content.decode() or "first names" in refused.content.decode()
    )
    assert not Elector.records.filter(surname="Patel").exists()
    response = officer_client.post(
        url,
        {
            "polling_district": register["districts"]["AB"].pk,
            "first_names": "Priya",
            "surname": "Patel",
            "markers": "k",
            "reason": "Application determined",
        },
    )
    assert response.status_code == 302
    priya = Elector.records.get(surname="Patel")
    assert (priya.property, priya.markers, priya.elector_number_display) == (prop, "K", "AB-1/1")
    assert Alteration.objects.filter(elector=priya, kind=AlterationKind.ADD).exists()
    page = officer_client.get(response["Location"]).content.decode()
    assert "was added as AB-1/1" in page


@pytest.mark.django_db
def test_property_page_shows_residents_and_their_history(register, officer_client):
    flat = register["props"]["flat"]
    html = officer_client.get(f"/register/properties/{flat.pk}/").content.decode()
    assert "Flat 4" in html and "100023456791" in html and "CD3 4GH" in html
    current = html.split('id="current-residents"')[1].split("</table>")[0]
    past = html.split('id="past-residents"')[1].split("</table>")[0]
    assert "Khan" in current and "Smithers" not in current
    assert "Smithers" in past
    assert "Moved away" in html  # the deletion in the history


@pytest.mark.django_db
def test_auditor_can_read_but_not_change(register, authority_a, make_user, client_for):
    client = client_for(make_user(Role.AUDITOR, authority_a))
    john = register["people"]["john"]
    html = client.get(f"/register/electors/{john.pk}/").content.decode()
    assert "Amend this entry" not in html
    assert f"/audit/?object_type=register.elector&amp;object_id={john.pk}" in html
    assert (
        client.post(f"/register/electors/{john.pk}/amend/", amend_data(john, surname="X", reason="r")).status_code
        == 403
    )


# ---- notices --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notice_of_alteration_lists_the_amendment_and_can_be_published(register, officer_client):
    john = register["people"]["john"]
    officer_client.post(f"/register/electors/{john.pk}/amend/", amend_data(john, surname="Smyth", reason="Marriage"))
    alteration = Alteration.objects.filter(elector=john).latest("id")
    notice = alteration.notice
    listing = officer_client.get("/register/notices/").content.decode()
    assert f'href="/register/notices/{notice.pk}/"' in listing

    html = officer_client.get(f"/register/notices/{notice.pk}/").content.decode()
    assert "Amendment" in html and "Surname</strong>: Smith → Smyth" in html and "Marriage" in html

    assert officer_client.get(f"/register/notices/{notice.pk}/publish/").status_code == 200
    response = officer_client.post(f"/register/notices/{notice.pk}/publish/", {"publish": "yes"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.state == "published"
    again = officer_client.post(f"/register/notices/{notice.pk}/publish/", {"publish": "yes"})
    assert again.status_code == 200 and "already published" in again.content.decode()


# ---- bulk changes ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_bulk_preview_writes_nothing_and_confirm_applies_to_exactly_those_shown(register, officer_client):
    params = {"polling_district": "AA", "action": "add_marker", "marker": "b", "reason": "EU citizens confirmed"}
    counts = (Alteration.objects.count(), AuditEvent.objects.count())
    preview = officer_client.get("/register/bulk/preview/", params)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert 'id="bulk-count">2<' in html and "Smith" in html and "Goldsmith" in html
    assert (Alteration.objects.count(), AuditEvent.objects.count()) == counts

    token = html.split('name="token" value="')[1].split('"')[0]
    stale = officer_client.post("/register/bulk/preview/", {**params, "token": "0" * 64})
    assert "The register has changed since the preview" in stale.content.decode()
    assert (Alteration.objects.count(), AuditEvent.objects.count()) == counts

    response = officer_client.post("/register/bulk/preview/", {**params, "marker": "B", "token": token})
    assert response.status_code == 302
    markers = dict(Elector.records.filter(polling_district__code="AA").values_list("surname", "markers"))
    assert markers == {"Smith": "B", "Goldsmith": "GB"}
    assert Alteration.objects.filter(reason="EU citizens confirmed", kind=AlterationKind.AMEND).count() == 2

    # Running it again changes nobody.
    again = officer_client.get("/register/bulk/preview/", params).content.decode()
    assert 'id="bulk-count">0<' in again


@pytest.mark.django_db
def test_bulk_form_errors_and_opt_in_safety(register, officer_client):
    assert officer_client.get("/register/bulk/").status_code == 200
    assert officer_client.get("/register/bulk/preview/").status_code == 302
    bad = officer_client.get("/register/bulk/preview/", {"polling_district": "ZZ", "action": "add_marker"})
    html = bad.content.decode()
    assert "govuk-error-summary" in html and "Choose a polling district" in html and "Enter a reason" in html
    missing_marker = officer_client.get(
        "/register/bulk/preview/", {"polling_district": "AA", "action": "remove_marker", "reason": "r"}
    )
    assert "Enter the marker to add or remove" in missing_marker.content.decode()
    opt_in = officer_client.get(
        "/register/bulk/preview/", {"polling_district": "AA", "action": "opt_in", "reason": "r"}
    )
    assert 'id="bulk-count">1<' in opt_in.content.decode()  # Ann Goldsmith


# ---- dashboard ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_figures_count_current_electors(register, officer, officer_client):
    figures = register_dashboard_for_user(officer)
    assert figures["totals"] == {
        "electors": 4,
        "attainers": 1,
        "opted_out": 1,
        "postal": 1,
        "proxy": 1,
        "special": 0,
        "anonymous": 0,
    }  # fmt: skip  (Peter Smithers, a deleted service voter, is not counted)
    assert [(r["label"], r["electors"]) for r in figures["wards"]] == [("North", 3), ("South", 1)]
    assert [(r["code"], r["electors"]) for r in figures["districts"]] == [("AA", 2), ("AB", 1), ("BA", 1)]
    assert [(r["label"], r["electors"]) for r in figures["parishes"]] == [("Littleton", 2), ("Unparished", 2)]
    assert figures["properties"] == 3

    html = officer_client.get("/register/").content.decode()
    assert '<svg class="ems-chart__svg"' in html and "Electors by ward" in html
    assert "Electorate by ward" in html and "Electorate by polling district" in html
    assert 'role="search"' in html
    assert "style=" not in html.split("<main")[1]  # the CSP forbids inline styles


@pytest.mark.django_db
def test_register_is_in_the_service_navigation(register, officer_client):
    html = officer_client.get("/dashboard/").content.decode()
    assert 'href="/register/"' in html


@pytest.mark.django_db
def test_a_broad_search_lists_the_cap_and_says_to_narrow(register, officer_client, monkeypatch):
    from ems.register import selectors

    monkeypatch.setattr(selectors, "SEARCH_RESULTS_CAP", 1)
    broad = officer_client.get("/register/search/", {"q": "smi"}).content.decode()
    assert 'id="more-than-cap"' in broad and "More than 1 electors match" in broad
    assert broad.count('href="/register/electors/') == 1
    narrow = officer_client.get("/register/search/", {"q": "john smi"}).content.decode()
    assert 'id="more-than-cap"' not in narrow
