"""Democracy Club identifiers for elections and ballots (uk-election-ids; elections.md §12).

``local.2027-05-06`` is the election (group); ``local.sheffield.ecclesall.2027-05-06`` one ballot;
``.by`` before the date marks a by-election (``parl.hexham.by.2024-07-04``). Using the same scheme
as Democracy Club makes our data line up with EveryElection, YourNextRepresentative and
WhereDoIVote.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils.text import slugify

if TYPE_CHECKING:
    from ems.core.models import Authority
    from ems.geography.models import ElectoralArea

    from .models import ElectionGroup

# Election-id prefixes by our election type.
DC_PREFIX = {
    "ukpge": "parl",
    "ukp-by": "parl",
    "local": "local",
    "local-by": "local",
    "parish": "parish",
    "pcc": "pcc",
    "mayor-local": "mayor",
    "mayor-ca": "mayor",
    "gla": "gla",
    "senedd": "senedd",
    "scottish-parliament": "sp",
    "np-referendum": "ref",
}
_COUNCIL_WORDS = {"council", "district", "borough", "city", "county", "metropolitan", "of", "the", "royal"}


def organisation_slug(authority: Authority) -> str:
    """The council's part of a Democracy Club ballot id: ``Sheffield City Council`` → ``sheffield``."""
    words = [w for w in slugify(authority.name).split("-") if w and w not in _COUNCIL_WORDS]
    return "-".join(words) or slugify(authority.gss_code)


def group_id(election_type: str, poll_date: dt.date) -> str:
    return f"{DC_PREFIX[election_type]}.{poll_date.isoformat()}"


def ballot_id(group: ElectionGroup, area: ElectoralArea | None, title: str, by_election: bool) -> str:
    """``local.sheffield.ecclesall.2026-05-07``; ``parl.hexham.by.2024-07-04`` (elections.md §12)."""
    prefix = DC_PREFIX[group.election_type]
    parts = [prefix]
    if prefix != "parl":
        parts.append(group.organisation_slug)
    place = slugify(area.name if area is not None else title)
    if place and (prefix == "parl" or area is not None):
        parts.append(place)
    if by_election:
        parts.append("by")
    parts.append(group.poll_date.isoformat())
    return ".".join(parts)
