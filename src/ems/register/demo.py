"""Deterministic synthetic register for a demo authority, generated as a resumable job.

``ems demo-data --electors N --seed S`` starts the ``register.demo_data`` job, whose handler
(``demo_data_job``) builds, for the job's authority:

- geography: wards (GSS-like ``E05…``), a few parishes (``E04…``), one UK Parliament
  constituency (``E14…``) and polling districts coded like real ones (``AA``, ``AB``, … and,
  once single ward letters run out, ``EAA``…), about ``ELECTORS_PER_DISTRICT`` electors each;
- properties keyed by UPRN (≤ 12 digits, registration.md §11 and §16 row 68) with street
  addresses, valid-format postcodes in one postcode area, grid references and walk order;
  blocks of flats (a non-residential parent "shell" whose UPRN is each flat's ``parent_uprn``),
  houses in multiple occupation (many adults) and some empty properties;
- electors with a realistic mix: attainers, open-register opt-outs, postal and proxy voters,
  overseas, service and Crown-servant electors, declarations of local connection, anonymous
  electors, and franchise markers taken from registration.md §1.3 (see ``_markers``).

**Determinism.** Everything comes from ``random.Random`` seeded with strings built from the
seed: one for the plan (``_plan_rng``) and one per polling district (``_district_rng``). So
the same ``(electors, seed, as_at, nation)`` always gives the same register, and a job that was
killed and resumed produces exactly what an uninterrupted run would, because each district is
generated from its own seed whatever happened before. ``ems_elector_id`` is a hash of the
authority's GSS code, the seed, the district and the elector's position: deterministic, yet
unique across authorities (the column is unique across the whole database).

**Resumability.** The work unit is one polling district: its properties, electors, one audit
row and the job checkpoint ``{"geography": true, "districts_done": k}`` commit in one
transaction (``JobContext.commit_unit``). A resumed run skips the first ``k`` districts.

**Coordinates.** Eastings/northings are metres on the British National Grid (Irish Grid for
Northern Ireland) scattered round a real town's grid reference. Latitude/longitude come from a
*linear approximation* about that town (1° latitude ≈ 111,200 m; 1° longitude ≈ 111,320 m ×
cos(latitude)), ignoring the grid's convergence from true north. Across one council that is
out by up to a few hundred metres: plausible on a map, not survey-grade.

Nothing here is real personal data: names are drawn from built-in lists of common UK forenames
and surnames, and addresses from built-in street and place names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection

from ems.audit.services import audit_record
from ems.geography.models import AreaType, ElectoralArea, PollingDistrict
from ems.jobs.registry import register_job
from ems_rules import franchise

from .bulk import insert_additions, refresh_statistics
from .models import (
    AbsentVote,
    Alteration,
    Elector,
    Notice,
    NoticeKind,
    NoticeState,
    Property,
    PropertyStatus,
    SpecialCategory,
)
from .search import SEARCHED_ADDRESS_LINES, search_text

if TYPE_CHECKING:
    from ems.core.models import Authority
    from ems.jobs.runner import JobContext

JOB_KIND = "register.demo_data"
ELECTORS_PER_DISTRICT = 2_500
DISTRICTS_PER_WARD = 7
MAX_ELECTORS = 10_000_000
DEFAULT_AS_AT = dt.date(2025, 12, 1)  # the revised register of 1 December 2025
BATCH_SIZE = 2_000

# ---- rates (fractions of electors unless stated) ------------------------------------------
ATTAINER_RATE = 0.02
OPEN_REGISTER_OPT_OUT_RATE = 0.35
POSTAL_RATE = 0.20
PROXY_RATE = 0.01
POSTAL_PROXY_RATE = 0.002
OVERSEAS_RATE = 0.005
SERVICE_RATE = 0.001
CROWN_RATE = 0.0003
LOCAL_CONNECTION_RATE = 0.0002
ANONYMOUS_RATE = 0.0001
# fractions of addresses on a street
BLOCK_RATE = 0.02  # a block of flats starts here (6–40 flats)
HMO_RATE = 0.01
EMPTY_RATE = 0.03
HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6)
HOUSEHOLD_WEIGHTS = (30, 36, 15, 12, 5, 2)
# adult age bands (years, inclusive) and weights: roughly the shape of the GB electorate
AGE_BANDS = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 74), (75, 84), (85, 99))
AGE_WEIGHTS = (10, 17, 16, 17, 16, 13, 8, 3)

# ---- built-in word lists --------------------------------------------------------------------
FORENAMES_F = """
Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Florence Emily Ella
Poppy Evie Elsie Charlotte Evelyn Sienna Sofia Daisy Phoebe Sophie Alice Harper Matilda Ruby
Emilia Maya Millie Isabelle Eva Luna Jessica Sarah Emma Hannah Lucy Chloe Megan Laura Rebecca
Amy Katie Rachel Lauren Gemma Claire Nicola Helen Louise Joanne Victoria Kelly Lisa Michelle
Natalie Zoe Samantha Stephanie Karen Julie Susan Margaret Patricia Linda Elizabeth Mary Jean
Janet Christine Carol Sandra Pauline Anne Jacqueline Alison Fiona Wendy Tracey Deborah Angela
Catherine Caroline Joanna Amanda Heather Andrea Dawn Diane Sharon Maureen Barbara Shirley Jennifer
Kathleen Dorothy Joan Irene Sheila Brenda Valerie Ann Ruth Frances Rose Eleanor Harriet Imogen
Jasmine Aisha Fatima Priya Anjali Zainab Maryam Amira Leah Holly Abigail Molly Bethany Jade
Georgia Erin Niamh Aoife Siobhan Bronwen Cerys Eira Rhiannon Seren Morag Kirsty Eilidh Ailsa
Agnieszka Katarzyna Ana Maria Ioana Elena Giulia Chiara Ines Lucia
"""
FORENAMES_M = """
Oliver George Noah Arthur Muhammad Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie
Theo Alfie Jacob Thomas Finley Arlo William Lucas Roman Tommy Isaac Teddy Alexander Luca Edward
James Joshua Daniel Samuel Joseph Benjamin Matthew Ryan Luke Adam Liam Nathan Callum Connor
Jordan Lewis Kieran Aaron Dylan Ethan Jake Tyler Kyle David John Michael Paul Andrew Mark Richard
Peter Stephen Robert Christopher Anthony Simon Ian Gary Steven Kevin Martin Neil Graham Philip
Alan Keith Colin Brian Trevor Kenneth Barry Derek Roy Raymond Dennis Geoffrey Malcolm Terence
Gordon Douglas Stuart Ross Craig Fraser Euan Angus Hamish Rhys Dafydd Gareth Owain Iwan Emyr
Sean Ciaran Declan Padraig Conor Eoin Mohammed Ahmed Ali Omar Hassan Ibrahim Yusuf Arjun Rohan
Sanjay Rajesh Vikram Amir Bilal Tariq Imran Hamza Zain Kwame Kofi Chidi Tunde Emeka Piotr
Tomasz Krzysztof Andrei Mihai Marco Giuseppe Luis Carlos Miguel Jonathan Timothy Nicholas
Patrick Francis Hugh Edmund Rupert Hugo Sebastian Felix Toby Max Sam Ben Joe Dan Tom Will
"""
SURNAMES = """
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson
Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner
Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott
Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson
Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams
Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell
Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens
Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews
Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson
Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells
Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page
Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton
Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess
Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne
Sutton McDonald Yates Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy
Chambers O'Neill Griffin Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace
George Jordan Hutchinson Rowe Burke May Pritchard Gilbert Willis Higgins Read Miles Stevenson
Stephenson Hammond Arnold Buckley Walters Hewitt Barber Nelson Slater Austin Sullivan Whitehead
Mann Frost Lambert Stephens Blake Akhtar Lynch Goodwin Barton Woodward Thomson Cunningham
Quinn Barnett Baxter Bibi Clayton Nash Greenwood Jennings Holt Kemp Poole Gallagher Bond Stokes
Tucker Davidson Fowler Heath Norman Middleton Lawson Banks French Stanley Jarvis Gibbs Ferguson
Hayward Carroll Douglas Dickinson Todd Barlow Peters Lucas Knowles Hartley Miah Simmons Morton
Alexander Field Morrison Norris Townsend Preston Hancock Thornton Baldwin Burrows Briggs Storey
Kowalski Nowak Wisniewski Popescu Rossi Silva Santos Okafor Mensah Adeyemi Nguyen Chen Wong
"""
STREET_STEMS = """
Church Mill Station Park Victoria Albert Queens Kings Manor School Chapel Orchard Meadow Windmill
Springfield Highfield Grange Beech Oak Elm Ash Willow Cedar Holly Hawthorn Chestnut Sycamore
Rowan Birch Poplar Larch Maple Juniper Heather Primrose Bluebell Foxglove Clover Lavender
Rectory Vicarage Abbey Priory Castle Market Bridge Water Brook River Lake Pond Well Spring
Forge Smithy Tannery Brewery Malthouse Granary Barn Farm Dairy Stable Paddock Common Green
Heath Moor Fen Marsh Down Hill Ridge Valley Dale Glen Vale Combe Wood Copse Grove Holt
Nelson Wellington Trafalgar Waterloo Marlborough Cromwell Stanley Gladstone Disraeli Peel
Shakespeare Milton Tennyson Byron Wordsworth Keats Shelley Chaucer Dickens Austen Bronte Hardy
Nightingale Lark Swallow Robin Wren Kingfisher Heron Kestrel Falcon Swan Mallard Plover Curlew
York Lancaster Windsor Tudor Stuart Hanover Norfolk Suffolk Kent Essex Devon Dorset Somerset
Coronation Jubilee Festival Millennium Empire Commonwealth Union Albion Britannia Regent
"""
STREET_SUFFIXES = (
    ("Road", 22), ("Street", 16), ("Close", 12), ("Avenue", 9), ("Lane", 9), ("Drive", 8), ("Way", 6),
    ("Gardens", 4), ("Crescent", 4), ("Place", 3), ("Court", 2), ("Grove", 2), ("Terrace", 2), ("Walk", 1),
    ("Mews", 1), ("Rise", 1), ("Row", 1),
)  # fmt: skip
PLACE_STEMS = """
Abbeyfield Ashby Aldwick Barnham Bexley Blackmore Bramley Brockhurst Burcot Burnham Caldecott
Charlton Chesterfield Clifton Coldharbour Compton Cranford Crowhurst Dalton Denby Eastwick Elmstead
Fairfield Felsham Fenwick Frampton Garston Greenhill Hadley Halton Hambleden Harlow Hatherley
Hawkhurst Heathfield Hinton Holbrook Horton Hurstwood Kelsall Kingsley Kirkby Langley Lindfield
Linton Longford Lyndhurst Marden Marlow Melbury Milford Milton Newbold Newland Northwood Norton
Oakley Oldfield Overton Pendleton Preston Redhill Ripley Rockland Rushden Sandford Saxby Shelton
Sherwood Shipley Southwick Stanford Stapleford Stockton Stoke Stratton Sutton Swinford Thornbury
Thorpe Tilford Upton Walcot Walton Warfield Wells Westbury Weston Whitchurch Whitley Wickham
Willington Winslow Woodford Woodhouse Wootton Wychbury Yarwell
"""
DISTRICT_SUFFIXES = ("North", "South", "East", "West", "Central", "Village", "Park", "Green", "Town", "Rural")
BLOCK_NAMES = ("House", "Court", "Lodge", "Heights", "Mansions", "Point", "Tower", "Place")
POLLING_PLACES = ("Community Centre", "Village Hall", "Primary School", "Methodist Church Hall", "Scout Hut",
                  "Library", "Sports Pavilion", "Baptist Church Hall", "Memorial Hall", "Youth Centre")  # fmt: skip
TITLES_F = ("Mrs", "Ms", "Miss", "Mrs", "Ms", "Dr")
TITLES_M = ("Mr", "Mr", "Mr", "Mr", "Mr", "Dr")
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the inward code never uses C, I, K, M, O or V


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FORENAMES_F = _words(FORENAMES_F)
_FORENAMES_M = _words(FORENAMES_M)
_SURNAMES = _words(SURNAMES)
_STREET_STEMS = _words(STREET_STEMS)
_PLACE_STEMS = _words(PLACE_STEMS)
_SUFFIX_NAMES = tuple(s for s, _ in STREET_SUFFIXES)
_SUFFIX_CUM = tuple(itertools.accumulate(w for _, w in STREET_SUFFIXES))
_HOUSEHOLD_CUM = tuple(itertools.accumulate(HOUSEHOLD_WEIGHTS))
_AGE_CUM = tuple(itertools.accumulate(AGE_WEIGHTS))


@dataclass(frozen=True)
class PostcodeArea:
    """A real postcode area and a point in its post town (grid metres and WGS84 degrees)."""

    area: str
    post_town: str
    easting: int
    northing: int
    latitude: float
    longitude: float


# Approximate town-centre references (BNG; Irish Grid for BT). Chosen by the seed, per nation.
POSTCODE_AREAS: dict[str, tuple[PostcodeArea, ...]] = {
    "ENG": (
        PostcodeArea("NR", "NORWICH", 623000, 308500, 52.628, 1.297),
        PostcodeArea("IP", "IPSWICH", 616500, 244500, 52.056, 1.148),
        PostcodeArea("EX", "EXETER", 292000, 92500, 50.718, -3.533),
        PostcodeArea("LN", "LINCOLN", 497500, 371500, 53.230, -0.540),
        PostcodeArea("YO", "YORK", 460300, 451800, 53.958, -1.080),
        PostcodeArea("CB", "CAMBRIDGE", 545000, 258000, 52.205, 0.119),
        PostcodeArea("TA", "TAUNTON", 322800, 124600, 51.015, -3.102),
        PostcodeArea("SY", "SHREWSBURY", 349200, 312600, 52.708, -2.754),
    ),
    "WLS": (
        PostcodeArea("LL", "BANGOR", 258000, 372000, 53.227, -4.129),
        PostcodeArea("SA", "CARMARTHEN", 241300, 220200, 51.857, -4.311),
    ),
    "SCT": (
        PostcodeArea("PH", "PERTH", 311800, 723500, 56.396, -3.437),
        PostcodeArea("KY", "KIRKCALDY", 327500, 692000, 56.116, -3.159),
    ),
    "NIR": (PostcodeArea("BT", "ARMAGH", 287500, 345500, 54.350, -6.654),),
}

# GSS entity codes by nation: ward, parish/community (None: no parishes), constituency.
GSS_PREFIXES: dict[str, tuple[str, str | None, str]] = {
    "ENG": ("E05", "E04", "E14"),
    "WLS": ("W05", "W04", "W07"),
    "SCT": ("S13", None, "S14"),
    "NIR": ("N08", None, "N05"),
}


# ---- the plan: geography and district sizes ------------------------------------------------
@dataclass(frozen=True)
class WardPlan:
    name: str
    gss_code: str
    prefix: str
    easting: float
    northing: float
    outward: str


@dataclass(frozen=True)
class DistrictPlan:
    index: int
    code: str
    name: str
    ward: int
    parish: int | None
    size: int
    easting: float
    northing: float
    polling_place: str


@dataclass(frozen=True)
class Plan:
    electors: int
    seed: int
    nation: str
    as_at: dt.date
    area: PostcodeArea
    uprn_base: int
    constituency: tuple[str, str]
    wards: tuple[WardPlan, ...]
    parishes: tuple[tuple[str, str], ...]
    districts: tuple[DistrictPlan, ...]

    def done_before(self, index: int) -> int:
        return sum(d.size for d in self.districts[:index])


def _letters(n: int, width: int) -> str:
    out = ""
    for _ in range(width):
        n, r = divmod(n, 26)
        out = chr(65 + r) + out
    return out


def ward_prefix(index: int) -> str:
    """``A``…``Z`` for the first 26 wards, then ``AA``, ``AB``… (so district codes are ``EAA``)."""
    if index < 26:
        return chr(65 + index)
    if index < 26 + 26 * 26:
        return _letters(index - 26, 2)
    raise ValueError("Too many wards for two-letter prefixes")


def _unique_names(rng: random.Random, stems: tuple[str, ...], count: int) -> list[str]:
    pool = list(stems)
    rng.shuffle(pool)
    names = pool[:count]
    qualifiers = ("North", "South", "East", "West", "Central", "Rural", "Upper", "Lower")
    extra = [f"{stem} {q}" for q in qualifiers for stem in pool]
    names += extra[: max(0, count - len(names))]
    n = 1
    while len(names) < count:
        names.append(f"{pool[n % len(pool)]} {n}")
        n += 1
    return names


def _plan_rng(seed: int) -> random.Random:
    return random.Random(f"ems-demo:{seed}:plan")


def _district_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"ems-demo:{seed}:district:{index}")


def make_plan(*, electors: int, seed: int, nation: str = "ENG", as_at: dt.date = DEFAULT_AS_AT) -> Plan:
    """The geography and the size of every district: a pure function of its arguments."""
    if not 1 <= electors <= MAX_ELECTORS:
        raise ValueError(f"electors must be between 1 and {MAX_ELECTORS:,}")
    rng = _plan_rng(seed)
    area = rng.choice(POSTCODE_AREAS.get(nation, POSTCODE_AREAS["ENG"]))
    ward_gss, parish_gss, const_gss = GSS_PREFIXES.get(nation, GSS_PREFIXES["ENG"])
    n_districts = max(1, math.ceil(electors / ELECTORS_PER_DISTRICT))
    n_wards = max(1, math.ceil(n_districts / DISTRICTS_PER_WARD))
    # district sizes: an even split, then pairwise transfers keep the total exact
    sizes = [electors // n_districts + (1 if i < electors % n_districts else 0) for i in range(n_districts)]
    for i in range(0, n_districts - 1, 2):
        delta = rng.randint(-sizes[i] // 3, sizes[i + 1] // 3)
        sizes[i] += delta
        sizes[i + 1] -= delta
    ward_names = _unique_names(rng, _PLACE_STEMS, n_wards)
    ward_base = rng.randrange(1000, 900_000 - n_wards)
    wards = []
    for w in range(n_wards):
        angle, radius = rng.uniform(0, 2 * math.pi), 12_000 * math.sqrt(rng.random())
        wards.append(
            WardPlan(
                name=ward_names[w],
                gss_code=f"{ward_gss}{ward_base + w:06d}",
                prefix=ward_prefix(w),
                easting=area.easting + radius * math.cos(angle),
                northing=area.northing + radius * math.sin(angle),
                outward=f"{area.area}{1 + w % 30}",
            )
        )
    parishes: list[tuple[str, str]] = []
    if parish_gss is not None:
        n_parishes = min(6, max(1, n_wards // 3))
        parish_base = rng.randrange(1000, 900_000 - n_parishes)
        parish_names = _unique_names(rng, _PLACE_STEMS, n_parishes)
        parishes = [(f"{parish_names[p]} Parish", f"{parish_gss}{parish_base + p:06d}") for p in range(n_parishes)]
    parished_from = n_wards - max(1, n_wards // 3) if parishes else n_wards  # the rural wards at the end
    districts = []
    for i in range(n_districts):
        w, j = divmod(i, DISTRICTS_PER_WARD)
        ward = wards[w]
        angle, radius = rng.uniform(0, 2 * math.pi), 1_500 * math.sqrt(rng.random())
        suffix = DISTRICT_SUFFIXES[j] if j < len(DISTRICT_SUFFIXES) else str(j + 1)
        districts.append(
            DistrictPlan(
                index=i,
                code=ward.prefix + chr(65 + j),
                name=f"{ward.name} {suffix}",
                ward=w,
                parish=(w % len(parishes)) if w >= parished_from else None,
                size=sizes[i],
                easting=ward.easting + radius * math.cos(angle),
                northing=ward.northing + radius * math.sin(angle),
                polling_place=f"{rng.choice(_STREET_STEMS)} {rng.choice(POLLING_PLACES)}",
            )
        )
    const_base = rng.randrange(1000, 999_000)
    return Plan(
        electors=electors,
        seed=seed,
        nation=nation,
        as_at=as_at,
        area=area,
        uprn_base=10_000_000_000 + rng.randrange(0, 80) * 1_000_000_000,
        constituency=(f"{area.post_town.title()} and {ward_names[0]}", f"{const_gss}{const_base:06d}"),
        wards=tuple(wards),
        parishes=tuple(parishes),
        districts=tuple(districts),
    )


# ---- one district's rows -------------------------------------------------------------------
@dataclass
class DistrictRows:
    """Plain values for one district: ``properties`` are field dicts; each elector dict holds
    ``property_index`` (into ``properties``) or None."""

    properties: list[dict[str, Any]] = field(default_factory=list)
    electors: list[dict[str, Any]] = field(default_factory=list)


class _Geo:
    """Linear BNG → WGS84 approximation about the postcode area's reference point."""

    def __init__(self, area: PostcodeArea) -> None:
        self.area = area
        self.m_per_deg_lon = 111_320 * math.cos(math.radians(area.latitude))

    def latlon(self, easting: float, northing: float) -> tuple[float, float]:
        lat = self.area.latitude + (northing - self.area.northing) / 111_200
        lon = self.area.longitude + (easting - self.area.easting) / self.m_per_deg_lon
        return round(lat, 6), round(lon, 6)


def _ems_elector_id(gss_code: str, seed: int, district: int, position: int) -> str:
    digest = hashlib.blake2b(f"{gss_code}:{seed}:{district}:{position}".encode(), digest_size=10).hexdigest()
    return "E" + digest.upper()


def _markers(rng: random.Random, nation: str) -> str:
    """Franchise marker for an ordinary resident (registration.md §1.3 "Franchise markers").

    Mostly none (British, Irish or qualifying Commonwealth citizen). In England: ``G`` (EU
    citizen, pre-May 2024 local franchise, not yet reviewed), ``B`` (EU citizen confirmed
    under the Elections Act 2022), ``K`` (certain EU citizens, local only) and, rarely, ``L``
    (peer: local only). ``M`` (qualifying foreign national) in Scotland and Wales; ``U``
    (certain EU citizens) in Scotland. ``F`` (overseas) and ``N`` (anonymous) are set by
    category elsewhere; ``E`` is obsolete and ``A``/``Z`` are print/export-only, so none is
    stored here.
    """
    r = rng.random()
    if nation == "ENG":
        table: tuple[tuple[float, str], ...] = ((0.012, "G"), (0.024, "B"), (0.027, "K"), (0.02705, "L"))
    elif nation == "SCT":
        table = ((0.02, "M"), (0.03, "U"), (0.03005, "L"))
    elif nation == "WLS":
        table = ((0.02, "M"), (0.03, "G"), (0.03005, "L"))
    else:
        table = ((0.02, "G"), (0.02005, "L"))
    for cut, marker in table:
        if r < cut:
            return marker
    return ""


class _DistrictBuilder:
    def __init__(self, plan: Plan, index: int, gss_code: str) -> None:
        self.plan = plan
        self.d = plan.districts[index]
        self.ward = plan.wards[self.d.ward]
        self.rng = _district_rng(plan.seed, index)
        self.geo = _Geo(plan.area)
        self.gss_code = gss_code
        self.rows = DistrictRows()
        self.uprn_next = plan.uprn_base + index * 100_000 + 1
        self.vote_age = franchise.voting_age(plan.nation, franchise.PollType.LOCAL, plan.as_at)
        self.min_age = franchise.minimum_registration_age(plan.nation, plan.as_at)
        self.streets_used: set[str] = set()
        self.locality = self.ward.name.split()[0]

    # -- people --
    def _dob_adult(self) -> dt.date:
        lo, hi = AGE_BANDS[self.rng.choices(range(len(AGE_BANDS)), cum_weights=_AGE_CUM)[0]]
        age = self.rng.randint(max(lo, self.vote_age), hi)
        return franchise.add_years(self.plan.as_at, -age) - dt.timedelta(days=self.rng.randint(0, 364))

    def _dob_attainer(self) -> tuple[dt.date, dt.date] | None:
        for _ in range(20):
            age = self.rng.randint(self.min_age, self.vote_age - 1)
            dob = franchise.add_years(self.plan.as_at, -age) - dt.timedelta(days=self.rng.randint(0, 364))
            when = franchise.attainer_date(self.plan.nation, dob, self.plan.as_at)
            if when is not None:
                return dob, when
        return None

    def _forename(self, female: bool) -> str:
        names = _FORENAMES_F if female else _FORENAMES_M
        first = self.rng.choice(names)
        if self.rng.random() < 0.25:
            middle = self.rng.choice(names)
            if middle != first:
                return f"{first} {middle}"
        return first

    def _person(self, surname: str, *, property_index: int | None, attainer_ok: bool = True) -> dict[str, Any]:
        rng = self.rng
        female = rng.random() < 0.51
        dob, attainer = self._dob_adult(), None
        if attainer_ok and rng.random() < ATTAINER_RATE:
            got = self._dob_attainer()
            if got is not None:
                dob, attainer = got
        title = "" if rng.random() < 0.3 or attainer else rng.choice(TITLES_F if female else TITLES_M)
        r = rng.random()
        if r < POSTAL_RATE:
            absent = AbsentVote.POSTAL.value
        elif r < POSTAL_RATE + PROXY_RATE:
            absent = AbsentVote.PROXY.value
        elif r < POSTAL_RATE + PROXY_RATE + POSTAL_PROXY_RATE:
            absent = AbsentVote.POSTAL_PROXY.value
        else:
            absent = ""
        proxy = ""
        if absent in (AbsentVote.PROXY, AbsentVote.POSTAL_PROXY):
            proxy = f"{rng.choice(_FORENAMES_F + _FORENAMES_M)} {rng.choice(_SURNAMES)}"
        under_16 = franchise.age_on(dob, self.plan.as_at) < 16
        return {
            "property_index": property_index,
            "title": title,
            "first_names": self._forename(female),
            "surname": surname,
            "date_of_birth": dob,
            "markers": _markers(rng, self.plan.nation),
            "attainer_date": attainer,
            # registration.md §1.5: under-16s are automatically opted out of the open register
            "open_register_opt_out": under_16 or rng.random() < OPEN_REGISTER_OPT_OUT_RATE,
            "is_anonymous": False,
            "special_category": "",
            "absent_vote": absent,
            "proxy_name": proxy,
        }

    def _household(self, size: int, property_index: int, hmo: bool = False) -> list[dict[str, Any]]:
        surname = self.rng.choice(_SURNAMES)
        people = []
        for k in range(size):
            if hmo or (k > 0 and self.rng.random() < 0.3):
                surname = self.rng.choice(_SURNAMES)
            people.append(self._person(surname, property_index=property_index, attainer_ok=not hmo))
        return people

    # -- places --
    def _street_name(self) -> str:
        for _ in range(50):
            stem = self.rng.choice(_STREET_STEMS)
            suffix = _SUFFIX_NAMES[self.rng.choices(range(len(_SUFFIX_NAMES)), cum_weights=_SUFFIX_CUM)[0]]
            name = f"{stem} {suffix}"
            if name not in self.streets_used:
                self.streets_used.add(name)
                return name
        name = f"{stem} {suffix} {len(self.streets_used)}"
        self.streets_used.add(name)
        return name

    def _postcode(self) -> str:
        sector = self.rng.randint(0, 9)
        unit = self.rng.choice(POSTCODE_UNIT_LETTERS) + self.rng.choice(POSTCODE_UNIT_LETTERS)
        return f"{self.ward.outward} {sector}{unit}"

    def _property(self, **fields: Any) -> int:
        easting, northing = fields["easting"], fields["northing"]
        lat, lon = self.geo.latlon(easting, northing)
        row = {
            "uprn": self.uprn_next,
            "parent_uprn": None,
            "address_2": "",
            "address_3": "",
            "address_4": "",
            "address_5": "",
            "address_6": "",
            "status": PropertyStatus.RESIDENTIAL.value,
            "latitude": lat,
            "longitude": lon,
            "walk_order": len(self.rows.properties) + 1,
            **fields,
        }
        row["easting"], row["northing"] = round(easting, 1), round(northing, 1)
        self.uprn_next += 1
        self.rows.properties.append(row)
        return len(self.rows.properties) - 1

    def build(self) -> DistrictRows:
        rng, d = self.rng, self.d
        target = d.size
        # Electors listed without an address under "Other electors" (registration.md §1.1, §3).
        others: list[str] = []
        for category, rate in (
            (SpecialCategory.OVERSEAS, OVERSEAS_RATE),
            (SpecialCategory.SERVICE, SERVICE_RATE),
            (SpecialCategory.CROWN_SERVANT, CROWN_RATE),
            (SpecialCategory.LOCAL_CONNECTION, LOCAL_CONNECTION_RATE),
        ):
            others += [category.value] * rng.binomialvariate(target, rate)
        others = others[: max(0, target - 1)]
        n_anonymous = rng.binomialvariate(target, ANONYMOUS_RATE)
        if d.index == 0 and self.plan.electors >= 1000:
            n_anonymous = max(1, n_anonymous)  # the demo always shows at least one
        remaining = target - len(others)
        residents: list[dict[str, Any]] = []
        while remaining > 0:
            street = self._street_name()
            length = rng.randint(15, 120)
            angle = rng.uniform(0, 2 * math.pi)
            dx, dy = math.cos(angle), math.sin(angle)
            e0 = d.easting + rng.uniform(-600, 600)
            n0 = d.northing + rng.uniform(-600, 600)
            postcode, per_postcode = self._postcode(), rng.randint(10, 25)
            number = 0
            for pos in range(length):
                if remaining <= 0:
                    break
                if pos % per_postcode == 0 and pos:
                    postcode = self._postcode()
                number += 1
                side = 8 if number % 2 else -8
                e, n = e0 + dx * 6 * pos - dy * side, n0 + dy * 6 * pos + dx * side
                where = {"postcode": postcode, "easting": e, "northing": n}
                locality, town = self.locality, self.plan.area.post_town
                r = rng.random()
                if r < BLOCK_RATE and remaining >= 6:
                    block = f"{rng.choice(_STREET_STEMS)} {rng.choice(BLOCK_NAMES)}"
                    shell = self._property(
                        address_1=f"{block}, {number} {street}", address_2=locality, address_3=town,
                        status=PropertyStatus.NON_RESIDENTIAL.value, **where,
                    )  # fmt: skip
                    shell_uprn = self.rows.properties[shell]["uprn"]
                    for flat in range(1, rng.randint(6, 40) + 1):
                        if remaining <= 0:
                            break
                        idx = self._property(
                            address_1=f"Flat {flat}", address_2=block, address_3=f"{number} {street}",
                            address_4=f"{locality}, {town}", parent_uprn=shell_uprn, **where,
                        )  # fmt: skip
                        size = min(remaining, rng.choices((1, 2, 3), cum_weights=(45, 85, 100))[0])
                        residents += self._household(size, idx)
                        remaining -= size
                    continue
                address = {"address_1": f"{number} {street}", "address_2": locality, "address_3": town}
                if r < BLOCK_RATE + EMPTY_RATE:
                    self._property(status=PropertyStatus.EMPTY.value, **address, **where)
                    continue
                idx = self._property(**address, **where)
                if r < BLOCK_RATE + EMPTY_RATE + HMO_RATE:
                    size = min(remaining, rng.randint(6, 14))
                    residents += self._household(size, idx, hmo=True)
                else:
                    size = rng.choices(HOUSEHOLD_SIZES, cum_weights=_HOUSEHOLD_CUM)[0]
                    residents += self._household(min(size, remaining), idx)
                remaining -= min(size, remaining)
        # anonymous electors: residents whose entry moves to the end of the part (§1.1, §3.4)
        anonymous: list[dict[str, Any]] = []
        for _ in range(min(n_anonymous, len(residents) - 1 if len(residents) > 1 else 0)):
            person = residents.pop(rng.randrange(len(residents)))
            person.update(is_anonymous=True, open_register_opt_out=True, markers=person["markers"] + "N")
            anonymous.append(person)
        special = []
        for kind in others:
            person = self._person(rng.choice(_SURNAMES), property_index=None, attainer_ok=False)
            person["special_category"] = kind
            if kind == SpecialCategory.OVERSEAS:
                person["markers"] = "F"  # overseas electors: UK Parliamentary only (§1.3)
                if not person["absent_vote"] and rng.random() < 0.5:
                    person["absent_vote"] = AbsentVote.POSTAL.value
            special.append(person)
        special.sort(key=lambda p: (p["surname"], p["first_names"]))  # alphabetical by surname (§1.1)
        electors = residents + special + anonymous
        for number, person in enumerate(electors, start=1):
            person["elector_number"] = number
            person["ems_elector_id"] = _ems_elector_id(self.gss_code, self.plan.seed, d.index, number)
        self.rows.electors = electors
        return self.rows


def generate_district(plan: Plan, index: int, gss_code: str) -> DistrictRows:
    """The rows for district ``index``: a pure function of the plan, the index and the GSS code."""
    return _DistrictBuilder(plan, index, gss_code).build()


# ---- writing -------------------------------------------------------------------------------
def _ensure_geography(authority: Authority, plan: Plan, actor: Any) -> dict[str, int]:
    """Create the areas and districts that do not exist yet; return district code → pk."""
    existing = {(a.area_type, a.name): a for a in ElectoralArea.objects.filter(authority=authority)}

    def area(area_type: str, name: str, gss: str, parent: ElectoralArea | None = None) -> ElectoralArea:
        found = existing.get((area_type, name))
        if found is None:
            found = ElectoralArea.objects.create(
                authority=authority, area_type=area_type, name=name, gss_code=gss, parent=parent
            )
            existing[(area_type, name)] = found
        return found

    constituency = area(AreaType.CONSTITUENCY, *plan.constituency)
    wards = [area(AreaType.WARD, w.name, w.gss_code, constituency) for w in plan.wards]
    parishes = [area(AreaType.PARISH, name, gss) for name, gss in plan.parishes]
    have = set(PollingDistrict.objects.filter(authority=authority).values_list("code", flat=True))
    PollingDistrict.objects.bulk_create(
        [
            PollingDistrict(
                authority=authority,
                code=d.code,
                name=d.name,
                ward=wards[d.ward],
                parish=parishes[d.parish] if d.parish is not None else None,
                polling_place_description=d.polling_place,
            )
            for d in plan.districts
            if d.code not in have
        ],
        batch_size=BATCH_SIZE,
    )
    # The demo register is the revised register of its as-at date: every entry is an addition on it.
    if not Notice.objects.filter(authority=authority, kind=NoticeKind.REVISED, effective_date=plan.as_at).exists():
        Notice.objects.create(
            authority=authority,
            kind=NoticeKind.REVISED,
            effective_date=plan.as_at,
            state=NoticeState.PUBLISHED,
            title=f"Revised register {plan.as_at:%d %B %Y} (demo)",
        )
    audit_record(
        actor=actor,
        authority=authority,
        action="register.demo_data.geography",
        obj=authority,
        after={"wards": len(wards), "parishes": len(parishes), "polling_districts": len(plan.districts)},
    )
    return dict(PollingDistrict.objects.filter(authority=authority).values_list("code", "pk"))


_PROPERTY_COLUMNS = (
    "uprn", "parent_uprn", "address_1", "address_2", "address_3", "address_4", "address_5", "address_6", "postcode",
    "easting", "northing", "latitude", "longitude", "status", "walk_order",
)  # fmt: skip
_ELECTOR_COLUMNS = (
    "ems_elector_id", "elector_number", "title", "first_names", "surname", "date_of_birth", "markers",
    "attainer_date", "open_register_opt_out", "is_anonymous", "special_category", "absent_vote", "proxy_name",
)  # fmt: skip


def _insert_district(authority: Authority, district_pk: int, rows: DistrictRows, as_at: dt.date) -> None:
    """Write one district's rows. Django's ``bulk_create`` spends ~0.2 ms per row building SQL,
    too slow for a million electors, so PostgreSQL uses COPY and SQLite ``executemany``;
    ``bulk_create`` remains the path for any other backend."""
    if connection.vendor == "postgresql":
        _insert_district_copy(authority.pk, district_pk, rows)
        _insert_additions_sql(authority.pk, district_pk, as_at)
        return
    if connection.vendor == "sqlite":
        _insert_district_sqlite(authority.pk, district_pk, rows)
        _insert_additions_sql(authority.pk, district_pk, as_at)
        return
    properties = [
        Property(authority=authority, polling_district_id=district_pk, **{c: p[c] for c in _PROPERTY_COLUMNS})
        for p in rows.properties
    ]
    Property.objects.bulk_create(properties, batch_size=BATCH_SIZE)
    Elector.records.bulk_create(
        [
            Elector(
                authority=authority,
                polling_district_id=district_pk,
                property_id=properties[e["property_index"]].pk if e["property_index"] is not None else None,
                **{c: e[c] for c in _ELECTOR_COLUMNS},
                search_text=search_text(
                    e["first_names"],
                    e["surname"],
                    [rows.properties[e["property_index"]][n] for n in SEARCHED_ADDRESS_LINES]
                    if e["property_index"] is not None
                    else [],
                ),
            )
            for e in rows.electors
        ],
        batch_size=BATCH_SIZE,
    )
    from .services_alterations import _entry_of

    notice = Notice.objects.get(authority=authority, kind=NoticeKind.REVISED, effective_date=as_at)
    Alteration.objects.bulk_create(
        [
            Alteration(
                authority=authority, polling_district_id=district_pk, elector=e, kind="add", effective_date=as_at,
                notice=notice, entry=_entry_of(e), reason=DEMO_ADDITION_REASON,
            )
            for e in Elector.records.filter(polling_district_id=district_pk).select_related(
                "property", "polling_district"
            )
        ],
        batch_size=BATCH_SIZE,
    )  # fmt: skip


DEMO_ADDITION_REASON = "On the revised register (demo data)"


def _insert_additions_sql(authority_id: int, district_pk: int, as_at: dt.date) -> None:
    """One "addition on the revised register" alteration per elector of the district, in SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM register_notice WHERE authority_id = %s AND kind = 'revised' AND effective_date = %s",
            [authority_id, as_at],
        )
        notice_id = cursor.fetchone()[0]
    insert_additions(
        authority_id=authority_id,
        notice_id=notice_id,
        effective_date=as_at,
        reason=DEMO_ADDITION_REASON,
        where="e.polling_district_id = %s",
        params=[district_pk],
    )


def _insert_district_sqlite(authority_id: int, district_pk: int, rows: DistrictRows) -> None:
    """SQLite only: ``executemany`` with property ids allocated here.

    Safe because the unit runs in one write transaction (our SQLite settings begin every
    transaction IMMEDIATE, so no other writer can insert between reading the top id and using it).
    """
    qn = connection.ops.quote_name
    prop_table, elector_table = Property._meta.db_table, Elector._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(prop_table)}")  # noqa: S608 - our table name
        top = int(cursor.fetchone()[0])
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [prop_table])
        seq = cursor.fetchone()
        first = max(top, int(seq[0]) if seq else 0) + 1
        ids = range(first, first + len(rows.properties))
        prop_cols = ("id", "authority_id", "polling_district_id", *_PROPERTY_COLUMNS)
        cursor.executemany(
            f"INSERT INTO {qn(prop_table)} ({', '.join(prop_cols)}) VALUES ({', '.join(['%s'] * len(prop_cols))})",  # noqa: S608
            [
                (pk, authority_id, district_pk, *(p[c] for c in _PROPERTY_COLUMNS))
                for pk, p in zip(ids, rows.properties, strict=True)
            ],
        )
        elector_cols = (
            "authority_id", "polling_district_id", "property_id", "elector_suffix", *_ELECTOR_COLUMNS, "search_text",
        )  # fmt: skip
        cursor.executemany(
            f"INSERT INTO {qn(elector_table)} ({', '.join(elector_cols)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(elector_cols))})",
            [_elector_row(authority_id, district_pk, ids, rows, e) for e in rows.electors],
        )


def _elector_row(
    authority_id: int, district_pk: int, ids: Sequence[int], rows: DistrictRows, e: dict[str, Any]
) -> tuple[Any, ...]:
    idx = e["property_index"]
    lines = [rows.properties[idx][name] for name in SEARCHED_ADDRESS_LINES] if idx is not None else []
    return (
        authority_id, district_pk, ids[idx] if idx is not None else None, 0, *(e[c] for c in _ELECTOR_COLUMNS),
        search_text(e["first_names"], e["surname"], lines),
    )  # fmt: skip


def _insert_district_copy(authority_id: int, district_pk: int, rows: DistrictRows) -> None:
    """PostgreSQL only: COPY the rows, with property ids drawn from the table's sequence first."""
    prop_table, elector_table = Property._meta.db_table, Elector._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [prop_table, len(rows.properties)],
        )
        ids = [r[0] for r in cursor.fetchall()]
        raw = cursor.cursor  # the psycopg cursor underneath Django's wrapper
        prop_cols = ("id", "authority_id", "polling_district_id", *_PROPERTY_COLUMNS)
        with raw.copy(f"COPY {prop_table} ({', '.join(prop_cols)}) FROM STDIN") as copy:
            for pk, p in zip(ids, rows.properties, strict=True):
                copy.write_row((pk, authority_id, district_pk, *(p[c] for c in _PROPERTY_COLUMNS)))
        elector_cols = (
            "authority_id", "polling_district_id", "property_id", "elector_suffix", *_ELECTOR_COLUMNS, "search_text",
        )  # fmt: skip
        with raw.copy(f"COPY {elector_table} ({', '.join(elector_cols)}) FROM STDIN") as copy:
            for e in rows.electors:
                copy.write_row(_elector_row(authority_id, district_pk, ids, rows, e))


# ---- the job -------------------------------------------------------------------------------
def parse_params(params: dict[str, Any]) -> tuple[int, int, dt.date]:
    """Validate the job's params: ``electors`` (1…MAX_ELECTORS), ``seed`` (int), ``as_at`` (ISO)."""
    electors, seed = params.get("electors"), params.get("seed")
    if not isinstance(electors, int) or isinstance(electors, bool) or not 1 <= electors <= MAX_ELECTORS:
        raise ValueError(f"electors must be a whole number from 1 to {MAX_ELECTORS:,}")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError("seed must be a whole number, 0 or more")
    as_at = dt.date.fromisoformat(params.get("as_at") or DEFAULT_AS_AT.isoformat())
    return electors, seed, as_at


@register_job(JOB_KIND, "Generate demo register", queue="bulk")
def demo_data_job(context: JobContext) -> None:
    job = context.job
    authority = job.authority
    actor = job.created_by
    electors, seed, as_at = parse_params(context.params)
    plan = make_plan(electors=electors, seed=seed, nation=authority.nation, as_at=as_at)
    if job.total != electors:
        context.set_total(electors, stage="Creating geography")
    if not context.checkpoint.get("geography"):
        context.commit_unit(
            lambda: _ensure_geography(authority, plan, actor),
            done=0,
            checkpoint={"geography": True, "districts_done": 0},
        )
    district_pks = dict(PollingDistrict.objects.filter(authority=authority).values_list("code", "pk"))
    start = int(context.checkpoint.get("districts_done", 0))
    done = plan.done_before(start)
    context.stage(f"Generating {len(plan.districts):,} polling districts")
    for district in plan.districts[start:]:
        rows = generate_district(plan, district.index, authority.gss_code)
        district_pk = district_pks[district.code]

        def work(rows: DistrictRows = rows, district_pk: int = district_pk) -> None:
            _insert_district(authority, district_pk, rows, plan.as_at)
            audit_record(
                actor=actor,
                authority=authority,
                action="register.demo_data.unit",
                object_type="geography.pollingdistrict",
                object_id=district_pk,
                after={"properties": len(rows.properties), "electors": len(rows.electors)},
            )

        done += len(rows.electors)
        context.commit_unit(work, done=done, checkpoint={"geography": True, "districts_done": district.index + 1})
    context.stage("Updating database statistics")
    refresh_statistics(Property, Elector, Alteration)


# ---- fingerprint (tests, benchmark) --------------------------------------------------------
def register_fingerprint(authority: Authority, *, include_ids: bool = False) -> str:
    """A SHA-256 of the authority's generated register, independent of pks and the authority.

    With ``include_ids`` the ``ems_elector_id`` (which depends on the GSS code) is included.
    """
    digest = hashlib.sha256()
    fields = [
        "polling_district__code",
        "elector_number",
        "elector_suffix",
        *(c for c in _ELECTOR_COLUMNS if c != "ems_elector_id" or include_ids),
        *(f"property__{c}" for c in _PROPERTY_COLUMNS),
    ]
    rows = (
        Elector.records.filter(authority=authority)
        .order_by("polling_district__code", "elector_number", "elector_suffix")
        .values_list(*fields)
    )
    for row in rows.iterator(chunk_size=5_000):
        digest.update(repr(tuple(_normal(v) for v in row)).encode())
    properties = (
        Property.objects.filter(authority=authority)
        .order_by("polling_district__code", "walk_order")
        .values_list("polling_district__code", *_PROPERTY_COLUMNS)
    )
    for row in properties.iterator(chunk_size=5_000):
        digest.update(repr(tuple(_normal(v) for v in row)).encode())
    return digest.hexdigest()


def _normal(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
