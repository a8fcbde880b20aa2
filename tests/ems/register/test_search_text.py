"""The elector search key stays current through every kind of write (``ems.register.search``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from test_alterations import make_geography

from ems.core.models import Authority
from ems.register import services_alterations as alterations
from ems.register.models import Elector
from ems.register.search import elector_search_text, search_text
from ems.register.selectors import elector_search_for_user

pytestmark = pytest.mark.django_db


def stale_keys(authority) -> list[tuple[int, str, str]]:
    return [
        (e.pk, e.search_text, elector_search_text(e))
        for e in Elector.records.filter(authority=authority).select_related("property")
        if e.search_text != elector_search_text(e)
    ]


def test_the_key_is_names_then_address_lines_upper_cased():
    assert search_text("Ada Mary", "Lovelace", ["Flat 1", "", "Straße"]) == "ADA MARY LOVELACE FLAT 1 STRASSE"
    assert search_text("Jo", "", []) == "JO"


def test_add_and_amend_keep_the_key_current(authority_a, make_user):
    from ems.accounts.roles import Role

    officer = make_user(Role.OFFICER, authority_a, with_device=False)
    districts, props = make_geography(authority_a)
    elector = alterations.elector_add(
        acting_user=None, authority=authority_a, polling_district=districts[0], property=props[0],
        first_names="Ada", surname="Lovelace", reason="ITR", effective_date=dt.date(2026, 2, 2),
    )  # fmt: skip
    assert elector.search_text == "ADA LOVELACE 0 HIGH STREET"
    assert list(elector_search_for_user(officer, "ada 0 high")) == [elector]
    alterations.elector_amend(
        acting_user=None, elector=elector, changes={"surname": "King", "property_id": props[2].pk},
        reason="Married and moved", effective_date=dt.date(2026, 3, 2),
    )  # fmt: skip
    assert stale_keys(authority_a) == []
    assert list(elector_search_for_user(officer, "king 2 high")) == [Elector.records.get(pk=elector.pk)]
    assert list(elector_search_for_user(officer, "lovelace")) == []


def test_demo_data_and_supply_import_write_current_keys(tmp_path):
    call_command("demo-data", "--electors", "400", "--seed", "5", "--authority", "E07000221")
    source = Authority.objects.get(gss_code="E07000221")
    assert Elector.records.filter(authority=source).exclude(search_text="").count() == 400
    assert stale_keys(source) == []
    out = tmp_path / "full.csv"
    call_command("register", "export", "--authority", "E07000221", "--kind", "full", "--format", "csv",
                 "--out", str(out), "--as-at", "2025-12-01")  # fmt: skip
    from ems.core.services import authority_create

    target = authority_create(
        acting_user=None, name="Target Council", gss_code="E07000222", nation="ENG", authority_type="NMD"
    )
    call_command("register", "import", str(out), "--authority", "E07000222", "--effective-date", "2026-01-05")
    assert Elector.records.filter(authority=target).exists()
    assert stale_keys(target) == []
