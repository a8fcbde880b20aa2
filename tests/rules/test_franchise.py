"""Franchise ages and attainers (ems_rules.franchise): examples from registration.md §1.6, §16."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ems_rules import franchise
from ems_rules.franchise import Nation, NoRuleError, PollType

D = dt.date
DEC_2025 = D(2025, 12, 1)
dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2040, 12, 31))
births = st.dates(min_value=D(1900, 1, 1), max_value=D(2040, 12, 31))


# ---- examples from the domain spec -----------------------------------------------------------
@pytest.mark.parametrize("nation", list(Nation))
def test_uk_parliament_voting_age_is_18_everywhere(nation):
    assert franchise.voting_age(nation, PollType.UK_PARLIAMENT, DEC_2025) == 18


@pytest.mark.parametrize(
    ("nation", "local_age", "registration_age"),
    [("ENG", 18, 16), ("NIR", 18, 16), ("SCT", 16, 14), ("WLS", 16, 14)],  # §1.6, §16 rows 23–24
)
def test_local_voting_and_registration_ages_by_nation(nation, local_age, registration_age):
    assert franchise.voting_age(nation, "local", DEC_2025) == local_age
    assert franchise.minimum_registration_age(nation, DEC_2025) == registration_age


def test_england_has_no_devolved_poll_type():
    with pytest.raises(NoRuleError):
        franchise.voting_age("ENG", "devolved", DEC_2025)


def test_attainer_window_end_is_30_november_of_the_year_after_next_1_december():
    # §1.6 [S19]: "turns 18 by the end of the twelve months following the 1 December after the relevant date"
    assert franchise.attainer_window_end(D(2026, 6, 1)) == D(2027, 11, 30)
    assert franchise.attainer_window_end(D(2025, 12, 1)) == D(2027, 11, 30)  # "after" read as strictly after
    assert franchise.attainer_window_end(D(2025, 11, 30)) == D(2026, 11, 30)


def test_england_17_year_olds_and_some_16_year_olds_are_attainers():
    relevant = D(2026, 6, 1)  # window end 30 November 2027
    assert franchise.is_attainer("ENG", D(2009, 1, 1), relevant)  # 17
    assert franchise.is_attainer("ENG", D(2009, 11, 30), relevant)  # 16, turns 18 on the last day
    assert not franchise.is_attainer("ENG", D(2009, 12, 1), relevant)  # 16, turns 18 a day too late
    assert not franchise.is_attainer("ENG", D(2010, 6, 2), relevant)  # 15: under the registration age
    assert not franchise.is_attainer("ENG", D(2008, 6, 1), relevant)  # 18 today: an elector, not an attainer
    assert franchise.attainer_date("ENG", D(2009, 1, 1), relevant) == D(2027, 1, 1)
    assert franchise.attainer_date("ENG", D(2000, 1, 1), relevant) is None


def test_scotland_and_wales_14_and_15_year_olds_are_local_attainers():
    relevant = DEC_2025
    for nation in ("SCT", "WLS"):
        assert franchise.is_attainer(nation, D(2011, 11, 1), relevant)  # 14
        assert franchise.attainer_date(nation, D(2011, 11, 1), relevant) == D(2027, 11, 1)  # votes at 16
        assert not franchise.is_attainer(nation, D(2012, 1, 1), relevant)  # 13
        assert not franchise.is_attainer(nation, D(2009, 1, 1), relevant)  # 16: already a local elector
        # ...but still an attainer for UK Parliamentary polls
        assert franchise.is_attainer(nation, D(2009, 1, 1), relevant, PollType.UK_PARLIAMENT)


def test_attainer_may_vote_at_polls_on_or_after_the_date():  # §1.3 [S4]
    dob = D(2009, 5, 7)
    assert not franchise.may_vote("ENG", "local", dob, D(2027, 5, 6))
    assert franchise.may_vote("ENG", "local", dob, D(2027, 5, 7))


def test_leap_day_birthday_counts_from_1_march_in_common_years():
    assert franchise.date_reaching_age(D(2008, 2, 29), 18) == D(2026, 3, 1)
    assert franchise.age_on(D(2008, 2, 29), D(2026, 2, 28)) == 17
    assert franchise.age_on(D(2008, 2, 29), D(2026, 3, 1)) == 18


def test_rules_are_data_with_validity_dates():
    for rule in (*franchise.VOTING_AGES, *franchise.REGISTRATION_AGES):
        assert rule.valid_to is None or rule.valid_from <= rule.valid_to
        assert rule.source
    assert not franchise.VOTING_AGES[0].in_force(D(1960, 1, 1))


# ---- properties -------------------------------------------------------------------------------
@given(nation=st.sampled_from(list(Nation)), poll=st.sampled_from([PollType.UK_PARLIAMENT, PollType.LOCAL]), on=dates)
def test_exactly_one_rule_in_force(nation, poll, on):
    assert franchise.voting_age(nation, poll, on) in (16, 18)
    assert franchise.minimum_registration_age(nation, on) in (14, 16)
    assert franchise.minimum_registration_age(nation, on) < franchise.voting_age(nation, poll, on)


@given(dob=births, on=dates)
def test_age_on_is_monotonic_and_matches_date_reaching_age(dob, on):
    age = franchise.age_on(dob, on)
    if on >= dob:
        assert age >= 0
        assert franchise.date_reaching_age(dob, age) <= on < franchise.date_reaching_age(dob, age + 1)
    assert franchise.age_on(dob, on + dt.timedelta(days=1)) in (age, age + 1)


@given(nation=st.sampled_from(list(Nation)), dob=births, relevant=dates)
def test_attainer_date_is_after_the_relevant_date_and_the_age_is_in_range(nation, dob, relevant):
    when = franchise.attainer_date(nation, dob, relevant)
    assert (when is not None) == franchise.is_attainer(nation, dob, relevant)
    if when is not None:
        assert when > relevant
        assert not franchise.may_vote(nation, "local", dob, relevant)
        assert franchise.may_vote(nation, "local", dob, when)
        assert franchise.age_on(dob, relevant) >= franchise.minimum_registration_age(nation, relevant)
        if nation == Nation.ENGLAND:
            assert when <= franchise.attainer_window_end(relevant)
            assert (when - relevant).days <= 2 * 366  # "up to 2 years before you reach voting age" [S21]
