"""Notice dates: checked against the publication dates in registration.md §1.8 [S16][S17]."""

import datetime as dt

import holidays as holiday_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ems_rules.notices import first_working_day, is_working_day, next_monthly_notice_date, revised_register_date


def england(*years: int) -> set[dt.date]:
    return set(holiday_calendar.UK(subdiv="ENG", years=years))


# "Notice published" column of the EC's Registration dates 2019 (registration.md §1.8).
NOTICES_2019 = [
    dt.date(2019, 1, 2), dt.date(2019, 2, 1), dt.date(2019, 3, 1), dt.date(2019, 4, 1), dt.date(2019, 5, 1),
    dt.date(2019, 6, 3), dt.date(2019, 7, 1), dt.date(2019, 8, 1), dt.date(2019, 9, 2),
]  # fmt: skip
# One council's 2024 dates (registration.md §1.8 [S17]).
NOTICES_2024 = [
    dt.date(2024, 1, 2), dt.date(2024, 2, 1), dt.date(2024, 3, 1), dt.date(2024, 4, 2), dt.date(2024, 5, 1),
    dt.date(2024, 6, 3), dt.date(2024, 7, 1), dt.date(2024, 8, 1), dt.date(2024, 9, 2),
]  # fmt: skip


@pytest.mark.parametrize("published", NOTICES_2019 + NOTICES_2024)
def test_first_working_day_matches_published_notice_dates(published):
    assert first_working_day(published.year, published.month, england(published.year)) == published


def test_determination_on_the_10th_takes_effect_next_month():
    assert next_monthly_notice_date(dt.date(2019, 1, 18), england(2019)) == dt.date(2019, 2, 1)
    assert next_monthly_notice_date(dt.date(2018, 12, 19), england(2018, 2019)) == dt.date(2019, 1, 2)


def test_revised_register_is_1_december_even_on_a_weekend():
    assert revised_register_date(2024) == dt.date(2024, 12, 1)  # a Sunday
    assert not is_working_day(revised_register_date(2024), set())


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31)))
def test_next_notice_is_after_the_date_a_working_day_and_within_two_months(day):
    hols = england(day.year, day.year + 1)
    notice = next_monthly_notice_date(day, hols)
    assert notice > day
    assert is_working_day(notice, hols)
    assert (notice - day).days <= 40
    assert notice == first_working_day(notice.year, notice.month, hols)
