"""Bank holidays for working-day rules, by nation (the `holidays` package's UK subdivisions).

A council-editable override table is still to come; until then this is the whole calendar.
"""

import datetime as dt
from functools import lru_cache

import holidays

_SUBDIVISIONS = {"ENG": "ENG", "WLS": "WLS", "SCT": "SCT", "NIR": "NIR"}


@lru_cache(maxsize=64)
def _year(nation: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv=_SUBDIVISIONS.get(nation, "ENG"), years=year))


def bank_holidays(nation: str, *years: int) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    for year in years:
        days |= _year(nation, year)
    return frozenset(days)
