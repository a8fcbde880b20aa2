"""Reads of the register, always within the acting user's authority."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, LPad
from django.shortcuts import get_object_or_404

from ems.geography.models import PollingDistrict

from .models import AbsentVote, Alteration, Elector, Notice, Property, SpecialCategory
from .search import search_text


def register_summary_for_user(user: Any) -> dict[str, int]:
    """Headline figures for the dashboard, in one aggregate query over the register."""
    figures = Elector.records.filter(authority_id=user.authority_id).aggregate(
        electors=Count("pk"),
        postal=Count("pk", filter=Q(absent_vote__in=[AbsentVote.POSTAL, AbsentVote.POSTAL_PROXY])),
        proxy=Count("pk", filter=Q(absent_vote__in=[AbsentVote.PROXY, AbsentVote.POSTAL_PROXY])),
        opted_out=Count("pk", filter=Q(open_register_opt_out=True)),
        attainers=Count("pk", filter=Q(attainer_date__isnull=False)),
        special=Count("pk", filter=~Q(special_category="")),
    )
    figures["properties"] = Property.objects.filter(authority_id=user.authority_id).count()
    return figures


def _json_text(column: str, key: str) -> str:
    """SQL for one text value of a JSON column (``->>`` works on PostgreSQL and SQLite >= 3.38)."""
    return f"{column} ->> '{key}'"


def _as_at_sql(district_code: str | None) -> str:
    """The register on a date in one query: each elector's latest alteration effective on or
    before the date (ties: the later recorded), deletions dropped, in print order.

    The database ranks and sorts; only the entries cross to Python. The sort compares district
    codes byte by byte on both databases (``COLLATE "C"`` on PostgreSQL; SQLite's default), so
    the order does not depend on the server's locale.
    """
    from .models import Alteration

    table = connection.ops.quote_name(Alteration._meta.db_table)
    code = _json_text("entry", "polling_district_code")
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    in_district = ""
    if district_code is not None:
        # Only electors who were ever in this part; their latest entry may still be elsewhere.
        districts = connection.ops.quote_name(PollingDistrict._meta.db_table)
        in_district = (
            f" AND elector_id IN (SELECT elector_id FROM {table} WHERE polling_district_id IN"  # noqa: S608
            f" (SELECT id FROM {districts} WHERE authority_id = %(authority)s AND code = %(district)s))"
        )
    return (
        f"SELECT entry FROM (SELECT entry, kind, {code} AS code,"  # noqa: S608 - our own table and keys
        f" CAST({_json_text('entry', 'elector_number')} AS INTEGER) AS number,"
        f" CAST({_json_text('entry', 'elector_suffix')} AS INTEGER) AS suffix,"
        " ROW_NUMBER() OVER (PARTITION BY elector_id ORDER BY effective_date DESC, id DESC) AS rank"
        f" FROM {table} WHERE authority_id = %(authority)s AND effective_date <= %(on)s{in_district}) latest"
        " WHERE rank = 1 AND kind <> 'delete'"
        + (" AND code = %(district)s" if district_code is not None else "")
        + f" ORDER BY code{collate}, number, suffix"
    )


def iter_register_as_at(
    authority_id: int, on: Any, district_code: str | None = None, chunk_size: int = 5000
) -> Iterator[dict[str, Any]]:
    """The register exactly as it stood on a date, rebuilt from alterations alone, streamed.

    For each elector, the latest alteration effective on or before ``on`` (ties broken by the
    order they were recorded) gives the entry; a deletion means no entry. Yields entries in the
    order the register is printed: by district, number and suffix. Memory stays flat: the
    database ranks and sorts, and a server-side cursor hands over ``chunk_size`` rows at a time.
    """
    params = {"authority": authority_id, "on": on, "district": district_code}
    with connection.chunked_cursor() as cursor:
        cursor.execute(_as_at_sql(district_code), params)
        while rows := cursor.fetchmany(chunk_size):
            for (entry,) in rows:
                yield entry if isinstance(entry, dict) else json.loads(entry)


def register_as_at(authority_id: int, on: Any, district_code: str | None = None) -> list[dict[str, Any]]:
    """``iter_register_as_at`` as a list (for tests and small districts)."""
    return list(iter_register_as_at(authority_id, on, district_code))


def alterations_effective_on(authority_id: int, on: Any, district_code: str | None = None) -> list[dict[str, Any]]:
    """The changes that take effect on a date: the content of that date's notice(s) of alteration.

    Deletions carry ``previous``: the entry they remove (the latest earlier entry of that elector).
    """
    from .models import Alteration, AlterationKind

    changes = Alteration.objects.filter(authority_id=authority_id, effective_date=on).order_by("id")
    if district_code is not None:
        changes = changes.filter(polling_district__code=district_code)
    out: list[dict[str, Any]] = []
    for alteration in changes.iterator(chunk_size=2000):
        item: dict[str, Any] = {"kind": alteration.kind, "entry": alteration.entry, "previous": None}
        if alteration.kind == AlterationKind.DELETE:
            earlier = (
                Alteration.objects.filter(elector_id=alteration.elector_id, id__lt=alteration.id)
                .exclude(kind=AlterationKind.DELETE)
                .order_by("-effective_date", "-id")
                .values_list("entry", flat=True)
                .first()
            )
            item["previous"] = earlier or {}
        out.append(item)
    key = lambda i: (  # noqa: E731 - a sort key
        (i["entry"] or i["previous"] or {}).get("polling_district_code", ""),
        (i["entry"] or i["previous"] or {}).get("elector_number", 0),
        (i["entry"] or i["previous"] or {}).get("elector_suffix", 0),
    )
    out.sort(key=key)
    return out


# ---- The officers' register pages ------------------------------------------------------------
#
# Everything below is scoped to ``user.authority_id``; an id from another authority is a 404.

# An elector number as officers type it: "AA-12", "AA-12/1", "aa 12", "AA12", "1DGA-5".
# With a separator the district code may be any letters and digits; run together with the
# number ("AA12") the code must end in a letter, or "AB12" could not be split.
_NUMBER_WITH_SEPARATOR = re.compile(
    r"^(?P<code>[A-Z0-9]{1,10})\s*[-\s]\s*(?P<number>\d{1,8})(?:\s*/\s*(?P<suffix>\d{1,4}))?$"
)
_NUMBER_RUN_TOGETHER = re.compile(r"^(?P<code>[A-Z0-9]{0,9}[A-Z])(?P<number>\d{1,8})(?:\s*/\s*(?P<suffix>\d{1,4}))?$")
_UPRN = re.compile(r"^\d{1,12}$")
# UK postcodes: outward code (area, district) then inward code (sector, unit).
_POSTCODE_FULL = re.compile(r"^(?P<outward>[A-Z]{1,2}\d[A-Z\d]?)\s*(?P<inward>\d[A-Z]{2})$")
_POSTCODE_OUTWARD = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
MAX_TOKENS = 6
MIN_TOKEN = 2


@dataclass
class ParsedQuery:
    """What the one search box was given. ``kinds`` lists every reading that applies: "AB12"
    is both an elector number and an outward postcode, and both are searched."""

    text: str
    kinds: list[str] = field(default_factory=list)
    district_code: str = ""
    number: int | None = None
    suffix: int | None = None
    uprn: int | None = None
    postcode: str = ""  # full, normalised "AB1 2CD"
    outward: str = ""
    tokens: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.kinds[0] if self.kinds else "empty"


def parse_register_query(query: str) -> ParsedQuery:
    text = " ".join((query or "").split())[:200]
    parsed = ParsedQuery(text=text)
    upper = text.upper()
    if not upper:
        return parsed
    if _UPRN.match(upper):
        parsed.kinds.append("uprn")
        parsed.uprn = int(upper)
        return parsed
    match = _POSTCODE_FULL.match(upper)
    if match:
        parsed.kinds.append("postcode")
        parsed.postcode = f"{match['outward']} {match['inward']}"
        return parsed
    match = _NUMBER_WITH_SEPARATOR.match(upper) or _NUMBER_RUN_TOGETHER.match(upper)
    if match:
        parsed.kinds.append("elector_number")
        parsed.district_code = match["code"]
        parsed.number = int(match["number"])
        parsed.suffix = int(match["suffix"]) if match["suffix"] is not None else None
    if _POSTCODE_OUTWARD.match(upper):
        parsed.kinds.append("outward_postcode")
        parsed.outward = upper
    if parsed.kinds:
        return parsed
    tokens = [t for t in re.split(r"[\s,]+", text) if len(t) >= MIN_TOKEN]
    parsed.tokens = sorted(dict.fromkeys(t.lower() for t in tokens), key=len, reverse=True)[:MAX_TOKENS]
    if parsed.tokens:
        parsed.kinds.append("text")
    return parsed


def _text_search(base: QuerySet[Elector], tokens: list[str]) -> QuerySet[Elector]:
    """Every fragment must appear in the elector's names or the first three lines of their
    address (case-insensitive), matched against the search key (``ems.register.search``).

    On PostgreSQL the key has a trigram index (migration 0008), so several fragments ("john
    smi") are one index scan with every fragment as a condition; bulk loaders run ANALYZE so
    the planner's statistics are current. On SQLite the infix matches scan the authority's
    rows (SQLite cannot index ``LIKE '%x%'``), one column each.
    """
    found = base
    for token in tokens:
        found = found.filter(search_text__contains=search_text(token, ""))
    return found


# Id sets up to this size are fetched first and passed as a list, so the final query is a
# primary-key (or foreign-key) index look-up on both databases; beyond it the sets stay subqueries.
# PostgreSQL takes the list as one array parameter; SQLite binds one parameter per id (its limit
# is 32,766 since 3.32), so it gets a smaller list.
SMALL_SET = 2_000
SMALL_SET_POSTGRESQL = 20_000


def _small_limit() -> int:
    return SMALL_SET_POSTGRESQL if connection.vendor == "postgresql" else SMALL_SET


def _small(ids: QuerySet[Any, int]) -> list[int] | QuerySet[Any, int]:
    """The ids as a list when there are few enough (``_small_limit``), else the query itself.

    Planners cannot know how few rows a trigram or LIKE match returns, and with a subquery they
    often choose to scan the register; a literal list of ids they always look up by index.
    """
    limit = _small_limit()
    got = list(ids[: limit + 1])
    return got if len(got) <= limit else ids


def _elector_ids(ids: list[int] | QuerySet[Any, int]) -> QuerySet[Any, Any]:
    return Elector.records.filter(pk__in=ids).values("pk") if isinstance(ids, list) else ids.values("pk")


def elector_search_for_user(user: Any, query: str, include_deleted: bool = False) -> QuerySet[Elector]:
    """Electors of the user's authority matching the one search box.

    What was typed decides how it is matched (``parse_register_query``): a UPRN (digits, up
    to 12); a full postcode ("AB1 2CD", spacing and case free) or an outward code ("AB1");
    an elector number ("AA-12", "AA-12/1", "AA12"; without a suffix every suffix of that
    number); otherwise name and address fragments ("smi", "john smi", "church rd"). Current
    electors only unless ``include_deleted``. Returns an unordered QuerySet (callers sort).
    """
    parsed = parse_register_query(query)
    base = Elector.records.filter(authority_id=user.authority_id).select_related("polling_district", "property")
    if not include_deleted:
        base = base.filter(deleted_on__isnull=True)
    if not parsed.kinds:
        return base.none()
    properties = Property.objects.filter(authority_id=user.authority_id)
    if parsed.kind == "uprn" and parsed.uprn is not None:
        return base.filter(property_id__in=_small(properties.filter(uprn=parsed.uprn).values_list("pk", flat=True)))
    if parsed.kind == "postcode":
        compact = parsed.postcode.replace(" ", "")
        at = properties.filter(postcode__in=[parsed.postcode, compact]).values_list("pk", flat=True)
        return base.filter(property_id__in=_small(at))
    if parsed.kind == "text":
        return _text_search(base, parsed.tokens)
    # An elector number, an outward postcode or both ("AB12"). The numbers are a handful of
    # rows, found first; the outward code stays a join, so a capped caller stops early.
    numbered: list[int] = []
    if "elector_number" in parsed.kinds:
        districts = PollingDistrict.objects.filter(authority_id=user.authority_id, code__iexact=parsed.district_code)
        matches = Elector.records.filter(
            authority_id=user.authority_id, polling_district_id__in=districts.values("pk"), elector_number=parsed.number
        )
        if parsed.suffix is not None:
            matches = matches.filter(elector_suffix=parsed.suffix)
        numbered = list(matches.values_list("pk", flat=True))
    if "outward_postcode" not in parsed.kinds:
        return base.filter(pk__in=numbered)
    # Stored postcodes are normalised, upper case with one space ("AB1 " cannot match
    # "AB12 3CD"), so a case-sensitive prefix uses the postcode's pattern index.
    in_outward = properties.filter(postcode__startswith=f"{parsed.outward.upper()} ").values("pk")
    if not numbered:
        return base.filter(property_id__in=in_outward)
    return base.filter(Q(pk__in=numbered) | Q(property_id__in=in_outward))


# The search page sorts and pages at most this many matches; a broader query is told to narrow.
SEARCH_RESULTS_CAP = 500


@dataclass
class SearchResults:
    electors: QuerySet[Elector]  # at most SEARCH_RESULTS_CAP, ready to sort and page
    count: int
    more: bool  # more matched than are listed


def elector_search_results_for_user(user: Any, query: str, include_deleted: bool = False) -> SearchResults:
    """What the search page lists: up to ``SEARCH_RESULTS_CAP`` matches (and whether there
    were more), as a QuerySet the page can sort and paginate, with its count.

    The matches are found first, as ids (an index scan that stops at the cap), so sorting
    and paging touch at most the cap's rows even when "ha" matches a third of the register.
    """
    found = elector_search_for_user(user, query, include_deleted)
    ids = list(found.order_by().values_list("pk", flat=True)[: SEARCH_RESULTS_CAP + 1])
    listed = (
        Elector.records.filter(pk__in=ids[:SEARCH_RESULTS_CAP])
        .select_related("polling_district", "property")
        # Sorting by this expression (not the indexed column) keeps PostgreSQL from walking the
        # whole surname index to find the page; it sorts the listed rows instead.
        .annotate(name_key=Concat(F("surname"), Value(", "), F("first_names")))
    )
    return SearchResults(listed, min(len(ids), SEARCH_RESULTS_CAP), len(ids) > SEARCH_RESULTS_CAP)


def with_number_key(electors: QuerySet[Elector]) -> QuerySet[Elector]:
    """Annotate a sortable elector number: district code, then number and suffix zero-padded."""
    return electors.annotate(
        number_key=Concat(
            F("polling_district__code"),
            Value("-"),
            LPad(Cast("elector_number", CharField()), 8, Value("0")),
            Value("/"),
            LPad(Cast("elector_suffix", CharField()), 4, Value("0")),
            output_field=CharField(),
        )
    )


def elector_for_user(user: Any, elector_id: int) -> Elector:
    return get_object_or_404(
        Elector.records.filter(authority_id=user.authority_id).select_related(
            "polling_district", "polling_district__ward", "property"
        ),
        pk=elector_id,
    )


def property_for_user(user: Any, property_id: int) -> Property:
    return get_object_or_404(
        Property.objects.filter(authority_id=user.authority_id).select_related(
            "polling_district", "polling_district__ward", "polling_station", "polling_station__place"
        ),
        pk=property_id,
    )


def notices_for_user(user: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(authority_id=user.authority_id).annotate(alteration_count=Count("alterations"))


def notice_for_user(user: Any, notice_id: int) -> Notice:
    return get_object_or_404(notices_for_user(user), pk=notice_id)


def alterations_of_elector(elector: Elector) -> QuerySet[Alteration]:
    return (
        Alteration.objects.filter(authority_id=elector.authority_id, elector=elector)
        .select_related("notice", "created_by", "polling_district")
        .order_by("-effective_date", "-id")
    )


def alterations_at_property(prop: Property) -> QuerySet[Alteration]:
    """Alterations of everyone who lives or lived at a property (by their entry's property)."""
    return (
        Alteration.objects.filter(authority_id=prop.authority_id)
        .filter(Q(elector__property=prop) | Q(entry__property_id=prop.pk))
        .select_related("notice", "created_by", "elector", "elector__polling_district")
        .order_by("-effective_date", "-id")
    )


def residents_of(prop: Property) -> tuple[list[Elector], list[Elector]]:
    """Current and past residents: past = deleted here, or moved on to another address."""
    here = list(
        Elector.records.filter(authority_id=prop.authority_id, property=prop)
        .select_related("polling_district")
        .order_by("elector_number", "elector_suffix", "pk")
    )
    current = [e for e in here if e.deleted_on is None]
    past = [e for e in here if e.deleted_on is not None]
    moved_ids = (
        Alteration.objects.filter(authority_id=prop.authority_id, entry__property_id=prop.pk)
        .exclude(elector__property=prop)
        .values("elector_id")
    )
    past += list(
        Elector.records.filter(authority_id=prop.authority_id, pk__in=moved_ids).select_related("polling_district")
    )
    return current, past


def notice_alterations(notice: Notice) -> QuerySet[Alteration]:
    return Alteration.objects.filter(authority_id=notice.authority_id, notice=notice).select_related(
        "elector", "elector__polling_district", "created_by"
    )


# Entry keys shown when an amendment changes them, in display order.
ENTRY_LABELS = {
    "polling_district_code": "Polling district",
    "elector_number": "Number",
    "elector_suffix": "Suffix",
    "title": "Title",
    "first_names": "First names",
    "surname": "Surname",
    "date_of_birth": "Date of birth",
    "markers": "Markers",
    "attainer_date": "Attainer date",
    "open_register_opt_out": "Open register opt-out",
    "is_anonymous": "Anonymous",
    "special_category": "Special category",
    "address_1": "Address",
    "address_2": "Address line 2",
    "address_3": "Address line 3",
    "postcode": "Postcode",
    "uprn": "UPRN",
}


def entry_changes(alterations: list[Alteration]) -> dict[int, list[tuple[str, Any, Any]]]:
    """For each amendment in ``alterations``, the entry fields it changed: (label, before, after),
    comparing its entry with the elector's previous alteration (one query for the lot)."""
    amendments = [a for a in alterations if a.kind == "amend"]
    if not amendments:
        return {}
    history: dict[int, list[Alteration]] = {}
    for alteration in Alteration.objects.filter(elector_id__in={a.elector_id for a in amendments}).order_by(
        "effective_date", "id"
    ):
        history.setdefault(alteration.elector_id, []).append(alteration)
    out: dict[int, list[tuple[str, Any, Any]]] = {}
    for amendment in amendments:
        earlier = [a for a in history.get(amendment.elector_id, []) if a.pk != amendment.pk]
        earlier = [a for a in earlier if (a.effective_date, a.pk) < (amendment.effective_date, amendment.pk)]
        before = earlier[-1].entry if earlier else {}
        after = amendment.entry or {}
        out[amendment.pk] = [
            (label, before.get(key), after.get(key))
            for key, label in ENTRY_LABELS.items()
            if before.get(key) != after.get(key)
        ]
    return out


def register_dashboard_for_user(user: Any) -> dict[str, Any]:
    """Current electorate (not deleted) by polling district, ward and parish, with the
    attainers, open-register opt-outs, absent voters and special categories of each."""
    current = Elector.records.filter(authority_id=user.authority_id, deleted_on__isnull=True)
    measures = {
        "electors": Count("pk"),
        "attainers": Count("pk", filter=Q(attainer_date__isnull=False)),
        "opted_out": Count("pk", filter=Q(open_register_opt_out=True)),
        "postal": Count("pk", filter=Q(absent_vote__in=[AbsentVote.POSTAL, AbsentVote.POSTAL_PROXY])),
        "proxy": Count("pk", filter=Q(absent_vote__in=[AbsentVote.PROXY, AbsentVote.POSTAL_PROXY])),
        "special": Count("pk", filter=~Q(special_category="")),
        "anonymous": Count("pk", filter=Q(is_anonymous=True)),
    }
    by_district = {
        row["polling_district_id"]: row for row in current.values("polling_district_id").annotate(**measures)
    }
    totals = current.aggregate(**measures)
    special = dict(
        current.exclude(special_category="").values_list("special_category").annotate(n=Count("pk")).order_by()
    )
    districts = list(
        PollingDistrict.objects.filter(authority_id=user.authority_id).select_related("ward", "parish").order_by("code")
    )
    zero = dict.fromkeys(measures, 0)

    def add(into: dict[Any, dict[str, Any]], key: Any, label: str, row: dict[str, Any]) -> None:
        target = into.setdefault(key, {"label": label, **zero})
        for name in measures:
            target[name] += row.get(name, 0)

    district_rows, wards, parishes = [], {}, {}  # type: ignore[var-annotated]
    for district in districts:
        row = {**zero, **by_district.get(district.pk, {})}
        district_rows.append({"label": f"{district.code} {district.name}", "code": district.code, **row})
        add(wards, district.ward_id, district.ward.name, row)
        add(parishes, district.parish_id, district.parish.name if district.parish else "Unparished", row)
    parish_rows = sorted(parishes.values(), key=lambda r: (r["label"] == "Unparished", r["label"]))
    return {
        "totals": totals,
        "special": [(label, special.get(value, 0)) for value, label in SpecialCategory.choices if value],
        "districts": district_rows,
        "wards": sorted(wards.values(), key=lambda r: r["label"]),
        "parishes": parish_rows if any(d.parish_id for d in districts) else [],
        "properties": Property.objects.filter(authority_id=user.authority_id).count(),
    }


def bar_chart(rows: list[dict[str, Any]], measure: str, width: int = 600) -> list[dict[str, Any]]:
    """Bars for an inline SVG chart: each row's share of the largest value, in chart units."""
    top = max((r[measure] for r in rows), default=0) or 1
    return [{"label": r["label"], "value": r[measure], "length": round(width * r[measure] / top)} for r in rows]


def districts_for_user(user: Any) -> QuerySet[PollingDistrict]:
    return PollingDistrict.objects.filter(authority_id=user.authority_id).order_by("code")
