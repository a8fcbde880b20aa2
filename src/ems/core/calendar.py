"""Working-day calendars: bank holidays by nation, and each council's override table.

Bank holidays for the register's working-day rules come from the `holidays` package's UK
subdivisions (ADR 0018). Election timetables count in ``ems_rules.calendar``, whose built-in
override table (``DEFAULT_OVERRIDES``) holds the national one-off days already known. On top of
both, a council records days appointed for public thanksgiving or mourning, and one-off bank
holidays proclaimed after this release, in its own table (``CalendarDay``): ``overrides_for``
gives the election rules the whole table, ``bank_holidays`` adds the council's days too.
"""

import datetime as dt
from functools import lru_cache

from ems_rules.calendar import DEFAULT_OVERRIDES, CalendarOverride
from ems_rules.franchise import Nation

from .models import CalendarDay

_SUBDIVISIONS = {"ENG": "ENG", "WLS": "WLS", "SCT": "SCT", "NIR": "NIR"}


@lru_cache(maxsize=64)
def _year(nation: str, year: int) -> frozenset[dt.date]:
    import holidays  # takes about half a second: only when a notice date is worked out, not at start-up

    return frozenset(holidays.country_holidays("GB", subdiv=_SUBDIVISIONS.get(nation, "ENG"), years=year))


def bank_holidays(nation: str, *years: int, authority_id: int | None = None) -> frozenset[dt.date]:
    """The nation's bank holidays in ``years``, with the council's own days when ``authority_id``
    is given (added days in, days a proclamation moved away out)."""
    days: set[dt.date] = set()
    for year in years:
        days |= _year(nation, year)
    if authority_id is not None and years:
        rows = CalendarDay.objects.filter(
            authority_id=authority_id, day__year__gte=min(years), day__year__lte=max(years)
        )
        for row in rows:
            if nation in row.nation_codes:
                (days.add if row.dies_non else days.discard)(row.day)
    return frozenset(days)


def as_override(row: CalendarDay) -> CalendarOverride:
    return CalendarOverride(
        day=row.day,
        nations=frozenset(Nation(code) for code in row.nation_codes),
        reason=row.reason,
        source=row.source or "recorded by the council",
        dies_non=row.dies_non,
    )


def overrides_for(authority_id: int | None) -> tuple[CalendarOverride, ...]:
    """The override table the election rules count with: the built-in national days, then the
    council's own (a council's row for a day replaces the built-in one for the nations it names)."""
    if authority_id is None:
        return DEFAULT_OVERRIDES
    own = tuple(as_override(row) for row in CalendarDay.objects.filter(authority_id=authority_id))
    if not own:
        return DEFAULT_OVERRIDES
    replaced = {(row.day, nation) for row in own for nation in row.nations}
    kept = []
    for default in DEFAULT_OVERRIDES:
        nations = frozenset(n for n in default.nations if (default.day, n) not in replaced)
        if nations == default.nations:
            kept.append(default)
        elif nations:
            kept.append(CalendarOverride(default.day, nations, default.reason, default.source, default.dies_non))
    return (*kept, *own)
