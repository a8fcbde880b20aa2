"""D'Hondt and the additional member system, against published allocations.

Sources:
- Scottish Parliament 2016, Glasgow region: BBC results page (mirror bbctodays.pages.dev/news/
  politics/scotland-regions/S17000010): list votes SNP 111,101, Labour 59,151, Conservative
  29,533, Green 23,398, Lib Dem 5,850, UKIP 4,889, Solidarity 3,593, RISE 2,454, Unionist 2,453,
  Women's Equality 2,091, Animal Welfare 1,819, Christian 1,506, Independent (McCullagh) 271;
  regional members Labour 4, Conservative 2, Green 1, SNP 0. The SNP won all nine Glasgow
  constituencies in 2016 (tickerdossier.com/wiki/glasgow-scottish-parliament-electoral-region:
  "9 Scottish National Party MSPs (constituency members)").
- Scottish Parliament 2021, Glasgow region: list votes SNP 133,917, Labour 74,088, Conservative
  37,027, Green 36,114 (democraticdashboard.com, Glasgow Southside widget); regional members
  Labour 4, Conservative 2, Green 1 (glasgowguardian.co.uk/2021/05/08/glasgow-regional-list-
  results-declared); SNP held all nine constituencies.
- London Assembly 2021: London-wide list votes Labour 986,609, Conservative 795,081, Green
  305,452, Liberal Democrat 189,622 (wikizero.com/m/2020_London_Assembly_election); constituency
  seats Labour 9, Conservative 5; Londonwide seats Conservative 4, Green 3, Labour 2, Lib Dem 2
  (onlondon.co.uk/london-assembly-election-results-2021).
- European Parliament 2019, Wales (pure closed-list D'Hondt, four seats, as the Senedd from 2026):
  Brexit Party 271,404, Plaid Cymru 163,928, Labour 127,833, Lib Dem 113,885, Conservative
  54,587, Green 52,660, UKIP 27,566, Change UK 24,332; elected in order Gill (Brexit), Evans
  (Plaid), Wells (Brexit), Jones (Labour) (bbc.com/news/uk-wales-politics-48417474;
  llanellionline.news, declaration order).
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ems_rules.count import CountInputError, LotRequiredError, allocate_ams, allocate_dhondt
from ems_rules.count.ams import list_threshold

GLASGOW_2016 = {
    "SNP": 111_101,
    "Labour": 59_151,
    "Conservative": 29_533,
    "Green": 23_398,
    "Liberal Democrat": 5_850,
    "UKIP": 4_889,
    "Solidarity": 3_593,
    "RISE": 2_454,
    "Unionist": 2_453,
    "Women's Equality": 2_091,
    "Animal Welfare": 1_819,
    "Christian": 1_506,
    "Independent (McCullagh)": 271,
}


def test_scottish_parliament_2016_glasgow_region():
    result = allocate_ams(GLASGOW_2016, {"SNP": 9}, 7, list_sizes={"Independent (McCullagh)": 1})
    won = {p: n for p, n in result.seats_won.items() if n}
    assert won == {"Labour": 4, "Conservative": 2, "Green": 1}
    # Close calls, exactly: Labour's 59,151 / 2 = 29,575.5 beats the Conservatives' 29,533, and
    # Labour's 59,151 / 4 = 14,787.75 beats the Conservatives' 29,533 / 2 = 14,766.5.
    assert result.elected == ("Labour", "Labour", "Conservative", "Green", "Labour", "Labour", "Conservative")
    assert str(result.rounds[1].quotient) == "29575.500000"
    assert result.rounds[0].divisor == 1
    assert result.constituency_seats["SNP"] == 9


def test_scottish_parliament_2021_glasgow_region():
    votes = {"SNP": 133_917, "Labour": 74_088, "Conservative": 37_027, "Green": 36_114}
    result = allocate_ams(votes, {"SNP": 9}, 7)
    assert result.seats_won == {"SNP": 0, "Labour": 4, "Conservative": 2, "Green": 1}


LONDON_2021 = {"Labour": 986_609, "Conservative": 795_081, "Green": 305_452, "Liberal Democrat": 189_622}


def test_london_assembly_2021_londonwide_seats():
    # Only the four parties that won seats are listed; each had well over 5% (Lib Dem 7.3%), and
    # every other party was below it, so the threshold changes nothing here.
    result = allocate_ams(
        LONDON_2021,
        {"Labour": 9, "Conservative": 5},
        11,
        threshold_percent=list_threshold("London Assembly", dt.date(2021, 5, 6)),
    )
    assert result.excluded_below_threshold == ()
    assert result.seats_won == {"Labour": 2, "Conservative": 4, "Green": 3, "Liberal Democrat": 2}
    total = {p: result.seats_won[p] + result.constituency_seats[p] for p in LONDON_2021}
    assert total == {"Labour": 11, "Conservative": 9, "Green": 3, "Liberal Democrat": 2}


def test_london_threshold_excludes_a_party_below_five_percent():
    # A party with 4.99% of the London-wide vote takes no seat even with the highest figure.
    votes = {"Big": 9_000, "Small": 499, "Other": 501}
    assert allocate_ams(votes, {"Big": 20}, 1).elected == ("Other",)
    result = allocate_ams(votes, {"Big": 20}, 1, threshold_percent=Decimal(5))
    assert result.excluded_below_threshold == ("Small",)
    assert result.elected == ("Other",)
    assert allocate_ams(votes, {"Big": 20}, 2, threshold_percent=Decimal(5)).seats_won["Small"] == 0


def test_list_threshold_data():
    assert list_threshold("London Assembly", dt.date(2024, 5, 2)) == Decimal(5)
    assert list_threshold("Scottish Parliament", dt.date(2021, 5, 6)) is None


def test_european_parliament_2019_wales_closed_list():
    votes = {
        "Brexit Party": 271_404,
        "Plaid Cymru": 163_928,
        "Labour": 127_833,
        "Liberal Democrat": 113_885,
        "Conservative": 54_587,
        "Green": 52_660,
        "UKIP": 27_566,
        "Change UK": 24_332,
    }
    result = allocate_dhondt(votes, 4)
    assert result.elected == ("Brexit Party", "Plaid Cymru", "Brexit Party", "Labour")
    # The last seat: Labour's 127,833 against the Brexit Party's 271,404 / 3 = 90,468 and the
    # Lib Dems' 113,885.
    assert {p: n for p, n in result.seats_won.items() if n} == {"Brexit Party": 2, "Plaid Cymru": 1, "Labour": 1}


def test_senedd_2026_style_closed_list_six_seats():
    # Pure D'Hondt, no constituency seats: 6 seats on figures 1000, 600, 500, 333.3, 300, 250 (C: 240).
    result = allocate_dhondt({"A": 1000, "B": 600, "C": 240}, 6)
    assert result.elected == ("A", "B", "A", "A", "B", "A")
    assert result.seats_won == {"A": 4, "B": 2, "C": 0}


def test_exhausted_list_and_individual_candidates_take_no_more_seats():
    result = allocate_dhondt({"A": 1000, "Ind": 900, "B": 100}, 3, list_sizes={"Ind": 1, "A": 1})
    assert result.seats_won == {"A": 1, "Ind": 1, "B": 1}
    with pytest.raises(CountInputError, match="only 2 of 3 seats"):
        allocate_dhondt({"A": 1000, "Ind": 900}, 3, list_sizes={"Ind": 1, "A": 1})


def test_equal_highest_figures_use_a_lot_only_when_seats_run_short():
    both = allocate_dhondt({"A": 100, "B": 100}, 2)
    assert (both.seats_won, both.tie_breaks) == ({"A": 1, "B": 1}, ())
    with pytest.raises(LotRequiredError, match="equal highest figures"):
        allocate_dhondt({"A": 100, "B": 100}, 1)
    one = allocate_dhondt({"A": 100, "B": 100}, 1, seed=5)
    assert one.elected == (one.tie_breaks[0].outcome,)


@pytest.mark.parametrize(
    ("votes", "seats", "kwargs", "message"),
    [
        ({}, 1, {}, "no parties"),
        ({"A": -1}, 1, {}, "must not be negative"),
        ({"A": 1}, -1, {}, "must not be negative"),
        ({"A": 1}, 1, {"already_held": {"B": 1}}, "not in the votes"),
    ],
)
def test_dhondt_bad_input(votes, seats, kwargs, message):
    with pytest.raises(CountInputError, match=message):
        allocate_dhondt(votes, seats, **kwargs)


def test_ams_bad_input():
    with pytest.raises(CountInputError, match="less than the"):
        allocate_ams({"A": 10}, {}, 1, total_valid_votes=5)
    with pytest.raises(CountInputError, match="must not be negative"):
        allocate_ams({"A": 10}, {"A": -1}, 1)


parties = st.dictionaries(st.sampled_from("ABCDEFGH"), st.integers(1, 100_000), min_size=1, max_size=8)


@given(parties, st.integers(0, 30), st.integers(0, 1000))
def test_dhondt_allocates_exactly_the_seats(votes, seats, seed):
    result = allocate_dhondt(votes, seats, seed=seed)
    assert sum(result.seats_won.values()) == seats == len(result.rounds)


@given(parties, st.integers(1, 20), st.integers(0, 1000))
def test_dhondt_quotients_never_increase(votes, seats, seed):
    result = allocate_dhondt(votes, seats, seed=seed)
    quotients = [q.quotient for q in result.rounds]
    assert quotients == sorted(quotients, reverse=True)


@given(
    parties, st.dictionaries(st.sampled_from("ABCDEFGH"), st.integers(0, 10)), st.integers(0, 15), st.integers(0, 99)
)
def test_ams_allocates_exactly_the_list_seats(votes, held, seats, seed):
    result = allocate_ams(votes, held, seats, seed=seed)
    assert sum(result.seats_won.values()) == seats
