"""A gazetteer change of address reaches the residents' search keys (``ems.register.search``)."""

from __future__ import annotations

import datetime as dt

import pytest
from gazetteer_samples import abp_rows

from ems.geography.models import AreaType, ElectoralArea, PollingDistrict
from ems.register import services_alterations as alterations
from ems.register.gazetteer import open_reader
from ems.register.models import Elector, Property
from ems.register.search import elector_search_text
from ems.register.selectors import elector_search_for_user
from ems.register.services_gazetteer import gazetteer_import

pytestmark = pytest.mark.django_db


def stale_keys(authority) -> list[int]:
    electors = Elector.records.filter(authority=authority).select_related("property")
    return [e.pk for e in electors if e.search_text != elector_search_text(e)]


def test_a_gazetteer_change_of_address_updates_the_residents_keys(authority_a, make_user, abp_file, tmp_path):
    from ems.accounts.roles import Role

    officer = make_user(Role.OFFICER, authority_a, with_device=False)
    reader = open_reader(abp_file)
    gazetteer_import(acting_user=None, authority=authority_a, records=reader, source_name=reader.source_name)
    ward = ElectoralArea.objects.create(authority=authority_a, area_type=AreaType.WARD, name="Central")
    district = PollingDistrict.objects.create(authority=authority_a, code="ZZ", name="ZZ", ward=ward)
    home = Property.objects.get(authority=authority_a, uprn=10000000002)
    elector = alterations.elector_add(
        acting_user=None, authority=authority_a, polling_district=district, property=home,
        first_names="Grace", surname="Hopper", reason="ITR", effective_date=dt.date(2026, 2, 2),
    )  # fmt: skip
    assert list(elector_search_for_user(officer, "hopper fallowfield")) == [elector]
    rows = abp_rows()
    rows[1] = rows[1].replace(
        '"FALLOWFIELD ROAD","","","FALLOWFIELD ROAD"', '"FALLOWFIELD ROAD","","","FALLOW FIELD ROAD"'
    )
    modified = tmp_path / "abp_modified.csv"
    modified.write_text("\n".join(rows) + "\n")
    reader = open_reader(modified)
    gazetteer_import(acting_user=None, authority=authority_a, records=reader, source_name=reader.source_name)
    assert stale_keys(authority_a) == []
    assert list(elector_search_for_user(officer, "hopper fallow field")) == [elector]
    assert list(elector_search_for_user(officer, "hopper fallowfield")) == []
