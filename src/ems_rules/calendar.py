"""Working days for election timetables: the *dies non* of each UK nation.

Pure Python (no Django, no ``ems``, and no third-party package at run time). Bank holidays
follow the yearly pattern of the Banking and Financial Dealings Act 1971 and its standing royal
proclamations (``standing_bank_holidays``). One-off changes, and any day appointed for public
thanksgiving or mourning, are records in an **editable override table** (``DEFAULT_OVERRIDES``,
or any tuple of ``CalendarOverride`` records passed in). Rules and table together reproduce
every GOV.UK bank holiday 2012-2028 (the feed in ../shared/data/calendar/bank-holidays.json).
They also match the ``holidays`` package (the cross-check oracle in tests/rules/test_calendar.py) in
all four nations for 2012-2100. A day listed by both the pattern and the table is still one day,
so nothing is counted twice.

Why not the ``holidays`` package at run time (the brief suggested building on it): importing it
and loading its UK module takes about 0.45 s. With Django's start-up that put ``ems timetable``
over its 1 s budget. The package stays installed (``ems.core.calendar`` uses it) and is the
oracle in the tests: when a new release knows a proclaimed day that the table lacks, the
cross-check fails.

The law (elections.md §2.1):

- Local elections in England and Wales: "in computing any period of time for the purposes of
  the Timetable — (a) a Saturday or Sunday, (b) Christmas Eve, Christmas Day, Good Friday or a
  bank holiday, or (c) a day appointed for public thanksgiving or mourning, shall be
  disregarded"; "bank holiday" means a bank holiday under the Banking and Financial Dealings
  Act 1971 **in England and Wales** (Local Elections (Principal Areas) (England and Wales)
  Rules 2006, SI 2006/3304, Sch 2 and Sch 3 rule 2, confirmed on legislation.gov.uk as made:
  https://legislation.gov.uk/uksi/2006/3304/schedule/3/part/1/made). The parish, mayoral, PCC
  and GLA rules use the same words; that they all say "in England and Wales" is
  **unconfirmed** (only LEPAR 2006 was read).
- UK Parliament (RPA 1983 Sch 1, Parliamentary Elections Rules, rule 2): the same kinds of
  day, but "bank holiday" means, **at a general election, a bank holiday under the 1971 Act in
  any part of the United Kingdom**, and at a by-election a bank holiday in the part of the UK
  where the constituency is. This wording was confirmed in the rule 2 text as enacted
  (https://legislation.gov.uk/cy/ukpga/1983/2/schedule/1/part/I/crossheading/computation-of-time/enacted).
  The current text replaced the enacted "Christmas break / Easter break / bank holiday
  break" with Christmas Eve, Christmas Day, Good Friday or a bank holiday. That the "any part
  of the UK" rule for a general election survives in the current text is **unconfirmed**, but
  it is what the brief and elections.md §2.1 require. So St Patrick's Day, 12 July, 2 January
  and St Andrew's Day are dies non at a general election in every nation, but not at an
  English local election.
- Scotland: the Scottish Parliament and Scottish local government election rules also
  disregard **Easter Monday**, which is not a bank holiday in Scotland. The Electoral
  Commission's Scottish Parliament timetable (5 May 2016) lists the disregarded days as
  "Saturday, Sunday, Good Friday, Easter Monday, other bank holidays and any day appointed for
  public thanksgiving or mourning" (https://electionin.org/1416.html). The 2021 and 2026
  Scottish Parliament and 2022 council timetables only come out right with it
  (tests/rules/test_timetables.py). Registration and absent-vote deadlines in Scotland do
  **not** skip Easter Monday: the 2022 council registration deadline was Easter Monday
  18 April 2022. Callers choose with ``easter_monday=True``. The rule number in the Scottish
  Parliament (Elections etc.) Order 2015 Sch 2 is **unconfirmed**.
- Christmas Eve is disregarded in every nation. This is confirmed for LEPAR 2006. For the
  Scottish and Northern Irish rules it is **unconfirmed**; DemocracyClub's
  uk-election-timetables does the same for every election type.

The bank holiday pattern itself comes from the GOV.UK lists and the 1971 Act's Schedule 1 as
summarised in public sources. The Act's text was not read on legislation.gov.uk, so the
statutory basis of each day is **unconfirmed**. The dates are checked as described above.

Counting (elections.md §2.1): polling day is day 0; step one calendar day at a time away from
it, and count only working days. So "the 19th working day before the poll" is the date with
exactly 18 working days between it and polling day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ems_rules.franchise import Nation

_ALL_NATIONS = frozenset(Nation)


@dataclass(frozen=True, slots=True)
class CalendarOverride:
    """One day added to (or, with ``dies_non=False``, taken out of) the calendar of ``nations``.

    The records of the override table: a day appointed for public thanksgiving or mourning, or a
    bank holiday proclaimed as a one-off. ``dies_non=False`` takes out a day the yearly pattern
    would give but a proclamation moved, such as the early May bank holiday of 2020, moved to
    VE Day. It cannot make a weekend, Christmas Eve, Christmas Day or Good Friday a working day:
    the election rules name those days themselves.
    """

    day: dt.date
    nations: frozenset[Nation]
    reason: str
    source: str
    dies_non: bool = True


_GOV_UK = "GOV.UK bank holidays (https://www.gov.uk/bank-holidays.json; shared/data/calendar/bank-holidays.json)"

_MOVED = "moved by royal proclamation; " + _GOV_UK

# Real one-off days, each checked in the GOV.UK bank-holidays data (all three divisions unless
# marked). No day appointed for public thanksgiving or mourning that was *not* also a bank
# holiday was found. Whether the 2022 period of national mourning counted as such days under
# election law is **unconfirmed**, so it is not listed. Add new proclamations here.
DEFAULT_OVERRIDES: tuple[CalendarOverride, ...] = (
    CalendarOverride(dt.date(2012, 5, 28), _ALL_NATIONS, "Spring bank holiday moved to 4 June", _MOVED, False),
    CalendarOverride(dt.date(2012, 6, 4), _ALL_NATIONS, "Spring bank holiday (moved)", _MOVED),
    CalendarOverride(dt.date(2012, 6, 5), _ALL_NATIONS, "Queen's Diamond Jubilee bank holiday", _GOV_UK),
    CalendarOverride(dt.date(2020, 5, 4), _ALL_NATIONS, "Early May bank holiday moved to 8 May", _MOVED, False),
    CalendarOverride(dt.date(2020, 5, 8), _ALL_NATIONS, "Early May bank holiday (VE Day)", _MOVED),
    CalendarOverride(dt.date(2022, 5, 30), _ALL_NATIONS, "Spring bank holiday moved to 2 June", _MOVED, False),
    CalendarOverride(dt.date(2022, 6, 2), _ALL_NATIONS, "Spring bank holiday (moved)", _MOVED),
    CalendarOverride(dt.date(2022, 6, 3), _ALL_NATIONS, "Platinum Jubilee bank holiday", _GOV_UK),
    CalendarOverride(
        dt.date(2022, 9, 19),
        _ALL_NATIONS,
        "Bank holiday for the State Funeral of Queen Elizabeth II",
        _GOV_UK + "; proclaimed under the Banking and Financial Dealings Act 1971 s.1(3)",
    ),
    CalendarOverride(dt.date(2023, 5, 8), _ALL_NATIONS, "Bank holiday for the coronation of King Charles III", _GOV_UK),
    CalendarOverride(dt.date(2026, 6, 15), frozenset({Nation.SCOTLAND}), "World Cup bank holiday (Scotland)", _GOV_UK),
)


def as_nation(value: Nation | str) -> Nation:
    """``Nation`` from a code such as ``"ENG"``; ``ValueError`` for anything else."""
    return value if isinstance(value, Nation) else Nation(value)


def easter_sunday(year: int) -> dt.date:
    """Easter Day in the Gregorian calendar (the anonymous Gregorian computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


# --- bank holidays ----------------------------------------------------------------------------
#
# The yearly pattern: Banking and Financial Dealings Act 1971 Sch 1 (para 1 England and Wales,
# para 2 Scotland, para 3 Northern Ireland), the St Andrew's Day Bank Holiday (Scotland) Act 2007,
# and the days appointed every year by royal proclamation under s.1(2)-(3) (New Year's Day and
# the early May bank holiday everywhere; Boxing Day and the spring bank holiday in Scotland; 12
# July in Northern Ireland), each moved to the next free weekday when it falls at a weekend. One-off
# changes by proclamation are records in the override table. Tests check the result, with
# ``DEFAULT_OVERRIDES``, against every GOV.UK bank holiday 2012-2028 and against the ``holidays``
# package for every year 2012-2100 in all four nations.
#
# Why not call the ``holidays`` package at run time: importing it costs about 0.45 s, and
# ``ems timetable`` must answer within 1 s including Django's start-up.


def _first_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    day = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=day.weekday())


@lru_cache(maxsize=512)
def standing_bank_holidays(nation: Nation | str, year: int) -> dict[dt.date, str]:
    """The bank holidays of ``nation`` in ``year`` by the yearly pattern (no one-off changes).

    A fixed-date holiday that falls on a Saturday or Sunday keeps its date (a weekend is a dies
    non anyway) and gains a substitute: the next weekday that is not already a bank holiday.
    """
    where = as_nation(nation)
    easter = easter_sunday(year)
    fixed: list[tuple[dt.date, str]] = [(dt.date(year, 1, 1), "New Year's Day")]
    movable: list[tuple[dt.date, str]] = [(_first_monday(year, 5), "Early May bank holiday")]
    movable.append((_last_monday(year, 5), "Spring bank holiday"))
    if where is Nation.SCOTLAND:
        fixed.append((dt.date(year, 1, 2), "2nd January"))
        movable.append((easter - dt.timedelta(days=2), "Good Friday"))
        movable.append((_first_monday(year, 8), "Summer bank holiday"))
        fixed.append((dt.date(year, 11, 30), "St Andrew's Day"))
    else:
        movable.append((easter - dt.timedelta(days=2), "Good Friday"))
        movable.append((easter + dt.timedelta(days=1), "Easter Monday"))
        movable.append((_last_monday(year, 8), "Summer bank holiday"))
    if where is Nation.NORTHERN_IRELAND:
        fixed.append((dt.date(year, 3, 17), "St Patrick's Day"))
        fixed.append((dt.date(year, 7, 12), "Battle of the Boyne (Orangemen's Day)"))
    fixed += [(dt.date(year, 12, 25), "Christmas Day"), (dt.date(year, 12, 26), "Boxing Day")]
    days: dict[dt.date, str] = dict(movable)
    days.update(fixed)
    for day, name in sorted(fixed):
        if day.weekday() >= 5:
            substitute = day + dt.timedelta(days=7 - day.weekday())
            while substitute in days or substitute.weekday() >= 5:
                substitute += dt.timedelta(days=1)
            days[substitute] = f"{name} (substitute day)"
    return dict(sorted(days.items()))


def bank_holidays(
    nation: Nation | str, year: int, *, overrides: Iterable[CalendarOverride] = DEFAULT_OVERRIDES
) -> dict[dt.date, str]:
    """The bank holidays (and override days) of ``nation`` in ``year``, weekend dates included."""
    where = as_nation(nation)
    days = dict(standing_bank_holidays(where, year))
    for override in overrides:
        if override.day.year == year and where in override.nations:
            if override.dies_non:
                days[override.day] = override.reason
            else:
                days.pop(override.day, None)
    return dict(sorted(days.items()))


# --- the calendar ---------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _dies_non_year(
    year: int,
    nation: Nation,
    general_election: bool,
    easter_monday: bool,
    overrides: tuple[CalendarOverride, ...],
) -> dict[dt.date, str]:
    """Every weekday that is a dies non in ``year``, with the reason (weekends are not listed)."""
    nations = sorted(_ALL_NATIONS) if general_election else [nation]
    days: dict[dt.date, str] = {}
    for each in nations:
        for day, name in bank_holidays(each, year, overrides=overrides).items():
            days.setdefault(day, f"{name} ({each.value})" if general_election else name)
    easter = easter_sunday(year)
    days[easter - dt.timedelta(days=2)] = "Good Friday"
    if easter_monday:
        days.setdefault(easter + dt.timedelta(days=1), "Easter Monday")
    days[dt.date(year, 12, 24)] = "Christmas Eve"
    days[dt.date(year, 12, 25)] = "Christmas Day"
    return {day: why for day, why in days.items() if day.weekday() < 5}


@dataclass(frozen=True, slots=True)
class ElectionCalendar:
    """The dies non for one poll: the nation, and whether it is a UK general election.

    ``easter_monday`` adds Easter Monday (the Scottish election rules, see the module docstring).
    """

    nation: Nation
    general_election: bool = False
    easter_monday: bool = False
    overrides: tuple[CalendarOverride, ...] = DEFAULT_OVERRIDES

    def reason(self, day: dt.date) -> str | None:
        """Why ``day`` is a dies non (``None`` if it is a working day)."""
        if day.weekday() == 5:
            return "Saturday"
        if day.weekday() == 6:
            return "Sunday"
        return _dies_non_year(day.year, self.nation, self.general_election, self.easter_monday, self.overrides).get(day)

    def is_dies_non(self, day: dt.date) -> bool:
        return self.reason(day) is not None

    def working_days_before(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day before ``day`` (``day`` itself when ``n`` is 0)."""
        return self._step(day, n, -1)

    def working_days_after(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``day`` itself when ``n`` is 0)."""
        return self._step(day, n, 1)

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the first working day after it."""
        while self.is_dies_non(day):
            day += dt.timedelta(days=1)
        return day

    def _step(self, day: dt.date, n: int, direction: int) -> dt.date:
        if n < 0:
            raise ValueError(f"a number of working days cannot be negative ({n})")
        one = dt.timedelta(days=direction)
        while n:
            day += one
            if not self.is_dies_non(day):
                n -= 1
        return day


def calendar_for(
    nation: Nation | str,
    *,
    general_election: bool = False,
    easter_monday: bool = False,
    overrides: Iterable[CalendarOverride] = DEFAULT_OVERRIDES,
) -> ElectionCalendar:
    return ElectionCalendar(as_nation(nation), general_election, easter_monday, tuple(overrides))


def is_dies_non(
    day: dt.date,
    nation: Nation | str,
    *,
    general_election: bool = False,
    easter_monday: bool = False,
    overrides: Iterable[CalendarOverride] = DEFAULT_OVERRIDES,
) -> bool:
    """Whether ``day`` is disregarded in the election timetable of ``nation``.

    Saturdays, Sundays, Christmas Eve, Christmas Day, Good Friday, the nation's bank holidays
    (every part of the UK's at a UK Parliamentary general election) and the override table.
    """
    cal = calendar_for(nation, general_election=general_election, easter_monday=easter_monday, overrides=overrides)
    return cal.is_dies_non(day)


def working_days_before(
    day: dt.date,
    n: int,
    nation: Nation | str,
    *,
    general_election: bool = False,
    easter_monday: bool = False,
    overrides: Iterable[CalendarOverride] = DEFAULT_OVERRIDES,
) -> dt.date:
    """The ``n``-th working day before ``day`` (polling day is day 0)."""
    cal = calendar_for(nation, general_election=general_election, easter_monday=easter_monday, overrides=overrides)
    return cal.working_days_before(day, n)


def working_days_after(
    day: dt.date,
    n: int,
    nation: Nation | str,
    *,
    general_election: bool = False,
    easter_monday: bool = False,
    overrides: Iterable[CalendarOverride] = DEFAULT_OVERRIDES,
) -> dt.date:
    """The ``n``-th working day after ``day``."""
    cal = calendar_for(nation, general_election=general_election, easter_monday=easter_monday, overrides=overrides)
    return cal.working_days_after(day, n)
