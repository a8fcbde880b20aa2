"""Election calendar: dies non per nation, checked against GOV.UK, the ``holidays`` package and the rules.

Sources: the GOV.UK bank-holidays feed 2012-2028 (/work/shared/data/calendar/bank-holidays.json,
https://www.gov.uk/bank-holidays.json); LEPAR 2006 Sch 3 r.2 and PER r.2 for the kinds of day
disregarded (ems_rules/calendar.py docstring). The ``holidays`` package is an independent oracle.
"""

import datetime as dt
import json
from pathlib import Path

import holidays as holiday_package
import pytest
from dateutil.easter import easter as dateutil_easter
from hypothesis import given
from hypothesis import strategies as st

from ems_rules.calendar import (
    DEFAULT_OVERRIDES,
    CalendarOverride,
    ElectionCalendar,
    bank_holidays,
    calendar_for,
    easter_sunday,
    is_dies_non,
    standing_bank_holidays,
    working_days_after,
    working_days_before,
)
from ems_rules.franchise import Nation

GOV_UK = Path("/work/shared/data/calendar/bank-holidays.json")
DIVISIONS = {"england-and-wales": ("ENG", "WLS"), "scotland": ("SCT",), "northern-ireland": ("NIR",)}
NATIONS = [n.value for n in Nation]
ALL = frozenset(Nation)


def weekdays(days) -> set[dt.date]:
    return {d for d in days if d.weekday() < 5}


@pytest.mark.parametrize("division", DIVISIONS)
def test_every_gov_uk_bank_holiday_2012_to_2028_and_no_other(division):
    events = json.loads(GOV_UK.read_text())[division]["events"]
    gov_uk = {dt.date.fromisoformat(e["date"]) for e in events}
    years = range(min(d.year for d in gov_uk), max(d.year for d in gov_uk) + 1)
    for nation in DIVISIONS[division]:
        ours = set().union(*(weekdays(bank_holidays(nation, y)) for y in years))
        assert ours == gov_uk, (nation, sorted(gov_uk ^ ours))


@pytest.mark.parametrize("nation", NATIONS)
def test_agrees_with_the_holidays_package_2012_to_2100(nation):
    for year in range(2012, 2101):
        theirs = {d for d in holiday_package.country_holidays("GB", subdiv=nation, years=year) if d.year == year}
        assert weekdays(bank_holidays(nation, year)) == weekdays(theirs), year


@pytest.mark.parametrize(
    ("year", "nation", "expected"),
    [
        # 2029 and 2031, after the GOV.UK feed ends (rules of the Banking and Financial Dealings Act 1971).
        (2029, "ENG", ["01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26"]),
        (2029, "SCT", ["01-01", "01-02", "03-30", "05-07", "05-28", "08-06", "11-30", "12-25", "12-26"]),
        (2029, "NIR", ["01-01", "03-19", "03-30", "04-02", "05-07", "05-28", "07-12", "08-27", "12-25", "12-26"]),
        # 2031: St Andrew's Day is a Sunday, so Monday 1 December; 12 July is a Saturday, so Monday 14 July.
        (2031, "SCT", ["01-01", "01-02", "04-11", "05-05", "05-26", "08-04", "12-01", "12-25", "12-26"]),
        (2031, "NIR", ["01-01", "03-17", "04-11", "04-14", "05-05", "05-26", "07-14", "08-25", "12-25", "12-26"]),
    ],
)
def test_bank_holidays_in_later_years(year, nation, expected):
    assert sorted(weekdays(bank_holidays(nation, year))) == [dt.date.fromisoformat(f"{year}-{md}") for md in expected]


def test_substitute_days_at_christmas_and_new_year():
    # 2022: Christmas Day Sunday -> Tuesday 27th (Boxing Day is Monday 26th); Scotland 2023: 1 Jan Sunday.
    assert weekdays(standing_bank_holidays("ENG", 2022)) >= {dt.date(2022, 12, 26), dt.date(2022, 12, 27)}
    assert weekdays(standing_bank_holidays("SCT", 2023)) >= {dt.date(2023, 1, 2), dt.date(2023, 1, 3)}
    # 2021: Christmas Saturday -> Monday 27th and Tuesday 28th.
    assert weekdays(standing_bank_holidays("ENG", 2021)) >= {dt.date(2021, 12, 27), dt.date(2021, 12, 28)}


@pytest.mark.parametrize(
    ("year", "easter"), [(2024, "03-31"), (2026, "04-05"), (2029, "04-01"), (2031, "04-13"), (2038, "04-25")]
)
def test_easter_known_dates(year, easter):
    assert easter_sunday(year) == dt.date.fromisoformat(f"{year}-{easter}")


@given(st.integers(min_value=1583, max_value=4099))
def test_easter_matches_dateutil(year):
    assert easter_sunday(year) == dateutil_easter(year)


@pytest.mark.parametrize(
    ("day", "nation", "general_election", "expected"),
    [
        # St Patrick's Day (Tue 17 March 2026): Northern Ireland only, but every nation at a general election.
        ("2026-03-17", "NIR", False, True),
        ("2026-03-17", "ENG", False, False),
        ("2026-03-17", "ENG", True, True),
        ("2026-03-17", "SCT", True, True),
        # 12 July 2026 is a Sunday: Monday 13 July is the Northern Ireland bank holiday.
        ("2026-07-13", "NIR", False, True),
        ("2026-07-13", "WLS", False, False),
        ("2026-07-13", "WLS", True, True),
        # St Andrew's Day (Mon 30 November 2026) and 2 January 2029: Scotland only.
        ("2026-11-30", "SCT", False, True),
        ("2026-11-30", "ENG", False, False),
        ("2026-11-30", "ENG", True, True),
        ("2029-01-02", "SCT", False, True),
        ("2029-01-02", "NIR", False, False),
        ("2029-01-02", "NIR", True, True),
        # Easter Monday 2026: a bank holiday except in Scotland; a dies non everywhere at a general election.
        ("2026-04-06", "ENG", False, True),
        ("2026-04-06", "SCT", False, False),
        ("2026-04-06", "SCT", True, True),
        # Christmas Eve, Christmas Day and Good Friday in every nation, any year.
        ("2026-12-24", "ENG", False, True),
        ("2031-12-24", "SCT", False, True),
        ("2031-04-11", "NIR", False, True),
        ("2029-12-25", "WLS", False, True),
        # An ordinary Tuesday, and a Saturday.
        ("2026-03-10", "ENG", True, False),
        ("2026-03-14", "ENG", False, True),
    ],
)
def test_is_dies_non(day, nation, general_election, expected):
    assert is_dies_non(dt.date.fromisoformat(day), nation, general_election=general_election) is expected


def test_easter_monday_only_when_the_scottish_election_rules_ask():
    monday = dt.date(2026, 4, 6)
    assert not is_dies_non(monday, "SCT")
    assert is_dies_non(monday, "SCT", easter_monday=True)
    assert calendar_for("SCT", easter_monday=True).reason(monday) == "Easter Monday"


def test_state_funeral_counted_once_whatever_the_table_says():
    # Monday 19 September 2022, the bank holiday for the State Funeral of Queen Elizabeth II (GOV.UK).
    funeral = dt.date(2022, 9, 19)
    assert all(is_dies_non(funeral, n) for n in NATIONS)
    assert working_days_before(dt.date(2022, 9, 22), 3, "ENG") == dt.date(2022, 9, 16)
    twice = (*DEFAULT_OVERRIDES, CalendarOverride(funeral, ALL, "State Funeral again", "test"))
    assert working_days_before(dt.date(2022, 9, 22), 3, "ENG", overrides=twice) == dt.date(2022, 9, 16)
    # Without the table, the rules alone do not know the day.
    assert not is_dies_non(funeral, "ENG", overrides=())


def test_coronation_and_moved_bank_holidays():
    assert is_dies_non(dt.date(2023, 5, 8), "SCT")
    # 2020: the early May bank holiday moved from Monday 4 May to Friday 8 May (VE Day).
    assert not is_dies_non(dt.date(2020, 5, 4), "ENG")
    assert is_dies_non(dt.date(2020, 5, 8), "ENG")
    # 2026: the World Cup bank holiday on 15 June is Scotland's only.
    assert is_dies_non(dt.date(2026, 6, 15), "SCT")
    assert not is_dies_non(dt.date(2026, 6, 15), "ENG")
    assert is_dies_non(dt.date(2026, 6, 15), "ENG", general_election=True)


def test_a_day_of_mourning_can_be_added_for_one_nation():
    day = dt.date(2030, 1, 15)  # a Tuesday
    mourning = (*DEFAULT_OVERRIDES, CalendarOverride(day, frozenset({Nation.ENGLAND}), "day of mourning", "test"))
    assert is_dies_non(day, "ENG", overrides=mourning)
    assert not is_dies_non(day, "SCT", overrides=mourning)
    assert is_dies_non(day, "SCT", general_election=True, overrides=mourning)
    assert calendar_for("ENG", overrides=mourning).reason(day) == "day of mourning"
    assert working_days_before(dt.date(2030, 1, 17), 2, "ENG", overrides=mourning) == dt.date(2030, 1, 14)


def test_an_override_cannot_make_christmas_eve_or_a_weekend_a_working_day():
    eve = dt.date(2029, 12, 24)  # a Monday
    working = (CalendarOverride(eve, ALL, "not a holiday", "test", dies_non=False),)
    assert is_dies_non(eve, "ENG", overrides=working)


def test_zero_working_days_is_the_day_itself_and_negative_is_refused():
    day = dt.date(2026, 5, 7)
    assert working_days_before(day, 0, "ENG") == day == working_days_after(day, 0, "ENG")
    with pytest.raises(ValueError, match="negative"):
        working_days_before(day, -1, "ENG")
    with pytest.raises(ValueError):
        working_days_before(day, 1, "XYZ")


def test_worked_example_7_may_2026():
    # elections.md §2.3: 25 wd = Mon 30 March, 19 wd = Thu 9 April, 12 wd = Mon 20 April 2026.
    poll = dt.date(2026, 5, 7)
    assert working_days_before(poll, 25, "ENG") == dt.date(2026, 3, 30)
    assert working_days_before(poll, 19, "ENG") == dt.date(2026, 4, 9)
    assert working_days_before(poll, 12, "ENG") == dt.date(2026, 4, 20)
    assert working_days_after(dt.date(2026, 3, 30), 25, "ENG") == poll


CALENDARS = st.builds(
    ElectionCalendar,
    nation=st.sampled_from(list(Nation)),
    general_election=st.booleans(),
    easter_monday=st.booleans(),
)
DAYS = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2100, 12, 31))


@given(CALENDARS, DAYS, st.integers(min_value=0, max_value=40))
def test_working_days_before_lands_on_a_working_day_with_exactly_n_between(cal, day, n):
    result = cal.working_days_before(day, n)
    assert result <= day
    if n:
        assert not cal.is_dies_non(result)
    span = [result + dt.timedelta(days=i) for i in range(1, (day - result).days)]
    assert sum(not cal.is_dies_non(d) for d in span) == max(n - 1, 0)


@given(CALENDARS, DAYS, st.integers(min_value=0, max_value=40))
def test_after_undoes_before_on_a_working_day(cal, day, n):
    start = cal.next_working_day(day)
    assert cal.working_days_after(cal.working_days_before(start, n), n) == start


@given(CALENDARS, DAYS, DAYS, st.integers(min_value=0, max_value=40))
def test_a_later_day_never_gives_an_earlier_deadline(cal, a, b, n):
    first, second = sorted((a, b))
    assert cal.working_days_before(first, n) <= cal.working_days_before(second, n)


@given(DAYS, st.sampled_from(NATIONS))
def test_general_election_calendar_is_the_union_of_the_nations(day, nation):
    union = any(is_dies_non(day, n) for n in NATIONS)
    assert is_dies_non(day, nation, general_election=True) is union
