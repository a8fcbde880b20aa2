"""When alterations to the register take effect.

Rolling registration: between revised registers, additions, amendments and deletions take
effect by a notice of alteration published on the first working day of the month
(Representation of the People Act 1983 s.13A; registration.md §1.8 [S148][S17]). The revised
register is published by 1 December, and dies non do not apply to it (registration.md §1.7
[S12]). Working days exclude Saturdays, Sundays and bank holidays; the holiday dates are
passed in so the rule stays pure (the application supplies them from the ``holidays``
package and the council's own overrides).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

REVISED_REGISTER_MONTH_DAY = (12, 1)  # RPA 1983 s.13(1)(a) as amended; registration.md §1.7 [S12]


def is_working_day(day: dt.date, holidays: Collection[dt.date]) -> bool:
    """Monday to Friday, and not a bank holiday."""
    return day.weekday() < 5 and day not in holidays


def first_working_day(year: int, month: int, holidays: Collection[dt.date]) -> dt.date:
    """The first working day of a month: the publication date of that month's notice (s.13A)."""
    day = dt.date(year, month, 1)
    while not is_working_day(day, holidays):
        day += dt.timedelta(days=1)
    return day


def next_monthly_notice_date(after: dt.date, holidays: Collection[dt.date]) -> dt.date:
    """The first monthly notice publication date strictly after ``after``.

    A determination made on 15 January takes effect by the notice of (usually) 1 February;
    registration.md §1.8 gives the published 2019 and 2024 dates this reproduces.
    """
    this_month = first_working_day(after.year, after.month, holidays)
    if this_month > after:
        return this_month
    year, month = (after.year + 1, 1) if after.month == 12 else (after.year, after.month + 1)
    return first_working_day(year, month, holidays)


def revised_register_date(canvass_year: int) -> dt.date:
    """1 December of the canvass year; not moved for weekends (dies non do not apply)."""
    return dt.date(canvass_year, *REVISED_REGISTER_MONTH_DAY)
