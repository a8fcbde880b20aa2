"""Alterations are the legal record: the register as at any date is rebuilt exactly from them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from ems.audit.models import AuditEvent
from ems.core import services as core_services
from ems.geography.models import AreaType, ElectoralArea, PollingDistrict
from ems.register import services_alterations as alterations
from ems.register.models import Alteration, AlterationKind, Elector, NoticeKind, Property
from ems.register.selectors import register_as_at

START = dt.date(2026, 1, 1)


def make_geography(authority, codes=("AA", "AB")):
    ward = ElectoralArea.objects.create(authority=authority, area_type=AreaType.WARD, name="Central")
    districts = [
        PollingDistrict.objects.create(authority=authority, code=c, name=f"District {c}", ward=ward) for c in codes
    ]
    props = [
        Property.objects.create(
            authority=authority, uprn=100000 + i, address_1=f"{i} High Street", postcode="AB1 2CD",
            polling_district=districts[i % len(districts)], walk_order=i,
        )
        for i in range(6)
    ]  # fmt: skip
    return districts, props


@pytest.fixture
def geography(authority_a):
    return make_geography(authority_a)


@pytest.mark.django_db
def test_add_amend_delete_write_alterations_and_audit(authority_a, geography):
    districts, props = geography
    elector = alterations.elector_add(
        acting_user=None, authority=authority_a, polling_district=districts[0], property=props[0],
        first_names="Ada", surname="Lovelace", reason="ITR response", effective_date=dt.date(2026, 2, 2),
    )  # fmt: skip
    assert elector.elector_number_display == "AA-1"
    alterations.elector_amend(
        acting_user=None, elector=elector, changes={"surname": "King"}, reason="Marriage",
        effective_date=dt.date(2026, 3, 2),
    )  # fmt: skip
    alterations.elector_delete(
        acting_user=None, elector=elector, reason="Moved away", effective_date=dt.date(2026, 4, 1)
    )
    kinds = list(Alteration.objects.filter(elector=elector).values_list("kind", flat=True))
    assert kinds == [AlterationKind.ADD, AlterationKind.AMEND, AlterationKind.DELETE]
    assert AuditEvent.objects.filter(object_id=str(elector.pk), action__startswith="register.elector.").count() == 3
    amend = AuditEvent.objects.get(action="register.elector.amend")
    assert amend.changes["surname"] == ["Lovelace", "King"] and amend.reason == "Marriage"

    assert register_as_at(authority_a.pk, dt.date(2026, 2, 1)) == []
    assert [e["surname"] for e in register_as_at(authority_a.pk, dt.date(2026, 2, 2))] == ["Lovelace"]
    assert [e["surname"] for e in register_as_at(authority_a.pk, dt.date(2026, 3, 31))] == ["King"]
    assert register_as_at(authority_a.pk, dt.date(2026, 4, 1)) == []


@pytest.mark.django_db
def test_in_year_additions_take_a_suffix_after_their_neighbour(authority_a, geography):
    districts, props = geography
    district = districts[0]
    first = alterations.elector_add(
        acting_user=None, authority=authority_a, polling_district=district, property=props[0],
        first_names="A", surname="One", reason="r", effective_date=START,
    )  # fmt: skip
    later = alterations.elector_add(
        acting_user=None, authority=authority_a, polling_district=district, property=props[4],
        first_names="B", surname="Two", reason="r", effective_date=START,
    )  # fmt: skip
    between = alterations.elector_add(
        acting_user=None, authority=authority_a, polling_district=district, property=props[2],
        first_names="C", surname="Three", reason="r", effective_date=START,
    )  # fmt: skip
    assert (first.elector_number_display, later.elector_number_display) == ("AA-1", "AA-1/1")
    assert between.elector_number_display == "AA-1/2"

    revised = alterations.notice_create(
        acting_user=None, authority=authority_a, kind=NoticeKind.REVISED, effective_date=dt.date(2026, 12, 1)
    )
    assert alterations.register_renumber(acting_user=None, authority=authority_a, notice=revised) == 2
    numbers = dict(Elector.records.values_list("surname", "elector_number"))
    assert numbers == {"One": 1, "Three": 2, "Two": 3}  # walk order: props 0, 2, 4
    assert not Elector.records.exclude(elector_suffix=0).exists()
    # The register before the revised register still shows the old numbers.
    old = register_as_at(authority_a.pk, dt.date(2026, 11, 30))
    assert [(e["surname"], e["elector_number"], e["elector_suffix"]) for e in old] == [
        ("One", 1, 0), ("Two", 1, 1), ("Three", 1, 2)
    ]  # fmt: skip


@pytest.mark.django_db
def test_bad_changes_are_refused_and_write_nothing(authority_a, authority_b, geography):
    districts, props = geography
    elector = alterations.elector_add(
        acting_user=None, authority=authority_a, polling_district=districts[0], property=props[0],
        first_names="A", surname="B", reason="r", effective_date=dt.date(2026, 5, 1),
    )  # fmt: skip
    other = alterations.notice_create(
        acting_user=None, authority=authority_b, kind=NoticeKind.MONTHLY, effective_date=dt.date(2026, 6, 1)
    )
    counts = (Alteration.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError, match="reason"):
        alterations.elector_amend(acting_user=None, elector=elector, changes={"surname": "C"}, reason="  ")
    with pytest.raises(ValidationError, match="date order"):
        alterations.elector_amend(
            acting_user=None, elector=elector, changes={"surname": "C"}, reason="x", effective_date=dt.date(2026, 4, 1)
        )
    with pytest.raises(ValidationError, match="cannot be amended"):
        alterations.elector_amend(acting_user=None, elector=elector, changes={"ems_elector_id": "X"}, reason="x")
    with pytest.raises(ValidationError, match="another authority"):
        alterations.elector_amend(acting_user=None, elector=elector, changes={"surname": "C"}, reason="x", notice=other)
    assert (Alteration.objects.count(), AuditEvent.objects.count()) == counts


@pytest.mark.django_db
def test_changes_without_a_date_go_on_the_next_monthly_notice(authority_a, geography):
    districts, props = geography
    elector = alterations.elector_add(
        acting_user=None, authority=authority_a, polling_district=districts[0], property=props[0],
        first_names="A", surname="B", reason="Determined today",
    )  # fmt: skip
    notice = Alteration.objects.get(elector=elector).notice
    assert notice.kind == NoticeKind.MONTHLY and notice.effective_date.day <= 4
    assert notice.effective_date > dt.date.today()
    alterations.notice_publish(acting_user=None, notice=notice)
    with pytest.raises(ValidationError, match="already published"):
        alterations.elector_amend(
            acting_user=None, elector=elector, changes={"surname": "C"}, reason="x", notice=notice
        )


# ---- the property: every past date reads back identically ---------------------------------

operation = st.one_of(
    st.tuples(
        st.just("add"),
        st.integers(0, 5),
        st.sampled_from(["Smith", "Jones", "Patel", "Evans"]),
        st.sampled_from([0, 0, 0, 1, 2, 5, -2]),
    ),
    st.tuples(
        st.just("amend"),
        st.integers(0, 30),
        st.sampled_from(["Brown", "Wilson", "Khan"]),
        st.sampled_from([0, 0, 0, 1, 2, 5, -2]),
    ),
    st.tuples(st.just("optout"), st.integers(0, 30), st.booleans(), st.sampled_from([0, 0, 0, 1, 2, 5, -2])),
    st.tuples(st.just("move"), st.integers(0, 30), st.integers(0, 5), st.sampled_from([0, 0, 0, 1, 2, 5, -2])),
    st.tuples(st.just("delete"), st.integers(0, 30), st.none(), st.sampled_from([0, 0, 0, 1, 2, 5, -2])),
)


class RegisterAsAtProperty(HypothesisTestCase):
    """Random alteration sequences; afterwards the register as at every date in the range
    must equal a naive replay of the accepted operations kept in plain Python."""

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(operation, min_size=1, max_size=25))
    def test_every_past_date_reads_back_identically(self, ops):
        authority = core_services.authority_create(
            acting_user=None, name="Prop", gss_code="E07000555", nation="ENG", authority_type="NMD"
        )
        _districts, props = make_geography(authority)
        electors: list[Elector] = []
        history: dict[str, list[tuple[dt.date, dict | None]]] = {}
        latest: dict[str, dt.date] = {}

        offset = 0
        for kind, a, b, step in ops:
            # Mostly forward in time, sometimes back: out-of-order changes must be refused cleanly.
            offset = max(0, offset + step)
            day = START + dt.timedelta(days=offset)
            try:
                if kind == "add":
                    elector = alterations.elector_add(
                        acting_user=None, authority=authority, polling_district=props[a].polling_district,
                        property=props[a], first_names="Sam", surname=b, reason="add", effective_date=day,
                    )  # fmt: skip
                    electors.append(elector)
                elif not electors:
                    continue
                else:
                    elector = electors[a % len(electors)]
                    if kind == "amend":
                        elector = alterations.elector_amend(
                            acting_user=None,
                            elector=elector,
                            changes={"surname": b},
                            reason="amend",
                            effective_date=day,
                        )
                    elif kind == "optout":
                        elector = alterations.elector_amend(
                            acting_user=None, elector=elector, changes={"open_register_opt_out": b}, reason="opt",
                            effective_date=day,
                        )  # fmt: skip
                    elif kind == "move":
                        target = props[b]
                        elector = alterations.elector_amend(
                            acting_user=None, elector=elector, reason="moved", effective_date=day,
                            changes={"property_id": target.pk, "polling_district_id": target.polling_district_id},
                        )  # fmt: skip
                    else:
                        elector = alterations.elector_delete(
                            acting_user=None, elector=elector, reason="gone", effective_date=day
                        )
            except ValidationError:
                # Refused changes (out of date order, already deleted) must leave no trace.
                continue
            key = elector.ems_elector_id
            assert latest.get(key, day) <= day
            latest[key] = day
            state = None
            if elector.deleted_on is None:
                elector.refresh_from_db()
                state = {
                    "surname": elector.surname,
                    "opt_out": elector.open_register_opt_out,
                    "uprn": elector.property.uprn,
                    "number": (elector.polling_district.code, elector.elector_number, elector.elector_suffix),
                }
            history.setdefault(key, []).append((day, state))

        # The register only changes on effective dates: checking each of them and the day
        # before covers every date in the range.
        change_days = {when for changes in history.values() for when, _ in changes}
        probe_days = sorted({START - dt.timedelta(days=1), START + dt.timedelta(days=offset + 1)} | change_days | {
            d - dt.timedelta(days=1) for d in change_days
        })  # fmt: skip
        for day in probe_days:
            expected = {}
            for key, changes in history.items():
                on_or_before = [state for when, state in changes if when <= day]
                if on_or_before and on_or_before[-1] is not None:
                    expected[key] = on_or_before[-1]
            rebuilt = {
                e["ems_elector_id"]: {
                    "surname": e["surname"],
                    "opt_out": e["open_register_opt_out"],
                    "uprn": e["uprn"],
                    "number": (e["polling_district_code"], e["elector_number"], e["elector_suffix"]),
                }
                for e in register_as_at(authority.pk, day)
            }
            assert rebuilt == expected, f"register as at {day} differs"
            numbers = [v["number"] for v in rebuilt.values()]
            assert len(numbers) == len(set(numbers)), f"duplicate elector numbers on {day}"
