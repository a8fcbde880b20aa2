"""FPTP (one and several seats), referendums and the supplementary vote, against published results.

Sources (cited per test):
- UK general election 4 July 2024, all 650 constituencies: House of Commons Library results
  service data (github.com/ukparliament/psephology, shared/data/results/SOURCE.md).
- Royal Sutton Coldfield Town Council, 3 May 2018 (multi-member wards, 2–5 seats): the council's
  declarations as converted in github.com/Birmingham-Eastside/sutton-coldfield-town-council.
- EU referendum 23 June 2016: Electoral Commission, "Official result of the EU Referendum is
  declared" (electoralcommission.org.uk/media-centre/official-result-eu-referendum-declared-
  electoral-commission-manchester): Remain 16,141,241, Leave 17,410,742, 33,577,342 ballot
  papers counted, 25,359 rejected, turnout 72.2%; electorate 46,500,001 (politick.co.uk,
  "figures obtained from the Electoral Commission").
- Scottish devolution referendum 1 March 1979: en.wikipedia.org/wiki/1979_Scottish_devolution_
  referendum — Yes 1,230,937, No 1,153,502, electorate 3,747,112; 51.6% Yes but 32.9% of the
  electorate, short of the 40% rule.
- London mayor 6 May 2021 (supplementary vote): Commons Library briefing CBP9231 "London
  Elections 2021" (docslib.org/doc/12362816): Khan 1,013,721 first preferences, Bailey 893,051;
  after second preferences Khan 1,206,034, Bailey 977,601; Berry 197,976 and Porritt 111,716
  first preferences.
"""

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ems_rules.count import CountInputError, LotRequiredError, Threshold, count_fptp, count_referendum
from ems_rules.count.sv import count_sv, count_sv_papers, supplementary_vote_applies

RESULTS = Path("/work/shared/data/results")


# ---- FPTP, one seat -------------------------------------------------------------------------
def _ge2024():
    folder = RESULTS / "ukpge-2024-uk-parliament"
    with (folder / "general-election_candidacies.csv").open(encoding="utf-8") as f:
        candidacies = list(csv.DictReader(f))
    with (folder / "general-election_constituencies.csv").open(encoding="utf-8") as f:
        seats = {row["ONS ID"]: row for row in csv.DictReader(f)}
    by_seat: dict[str, dict[str, int]] = {}
    for row in candidacies:
        name = f"{row['Candidate first name']} {row['Candidate surname']}"
        by_seat.setdefault(row["ONS ID"], {})[name] = int(row["Votes"])
    return by_seat, seats


def test_uk_general_election_2024_every_constituency_winner_and_majority():
    by_seat, seats = _ge2024()
    assert len(by_seat) == 650
    for ons_id, votes in by_seat.items():
        declared = seats[ons_id]
        result = count_fptp(votes, 1, ballot_papers=int(declared["Valid votes"]))
        assert result.elected == (f"{declared['Member first name']} {declared['Member surname']}",), ons_id
        assert result.majority == int(declared["Majority"]), ons_id


def test_hendon_2024_majority_of_15():
    by_seat, _ = _ge2024()
    result = count_fptp(by_seat["E14001279"])
    assert (result.elected, result.majority) == (("David Pinto-Duschinsky",), 15)


# ---- FPTP, several seats (bloc vote) --------------------------------------------------------
def _sutton():
    folder = RESULTS / "sutton-coldfield-town-council-2018"
    with (folder / "Sutton council results 2018.csv").open(encoding="utf-8-sig") as f:
        seats = {
            row["name"].removeprefix("Sutton ").replace("& ", ""): int(row["SCTC seats"]) for row in csv.DictReader(f)
        }
    wards: dict[str, dict[str, tuple[int, bool]]] = {}
    with (folder / "Sutton-Town-Council-Election-Results.csv").open(encoding="utf-8-sig") as f:
        for row in csv.reader(f):
            if row[0] == "File":
                continue
            votes = Decimal(row[4])
            assert votes == int(votes)
            wards.setdefault(row[0], {})[row[1]] = (int(votes), row[5] == "Yes")
    return seats, wards


def test_sutton_coldfield_town_council_2018_every_multi_member_ward():
    seats, wards = _sutton()
    assert len(wards) == 8
    for ward, candidates in wards.items():
        n = seats[ward]
        result = count_fptp({name: v for name, (v, _) in candidates.items()}, n)
        assert set(result.elected) == {name for name, (_, won) in candidates.items() if won}, ward
        assert len(result.elected) == n


def test_sutton_vesey_near_tie_needs_no_lot():
    # Vesey (5 seats): Parry 1,710 and Farr 1,709 both lose; Walmley: McDonough 1,907 and
    # Wood 1,906 both win (SOURCE.md). Neither equality straddles the last seat.
    seats, wards = _sutton()
    vesey = count_fptp({n: v for n, (v, _) in wards["Vesey Ward"].items()}, seats["Vesey Ward"])
    assert vesey.tie_breaks == ()
    assert "Parry Elizabeth Sarah" not in vesey.elected


def test_equality_for_the_last_seat_is_decided_by_lot_and_recorded():
    votes = {"A": 900, "B": 819, "C": 819, "D": 500}  # a Cheshire East 2019-style tie, 2 seats
    with pytest.raises(LotRequiredError):
        count_fptp(votes, 2)
    result = count_fptp(votes, 2, seed=2019)
    assert result.elected[0] == "A"
    (lot,) = result.tie_breaks
    assert (lot.candidates, lot.seed, lot.outcome) == (("B", "C"), 2019, result.elected[1])
    assert count_fptp(votes, 2, seed=2019) == result  # a recount reproduces the lot


def test_equality_between_candidates_who_are_all_elected_needs_no_lot():
    assert count_fptp({"A": 10, "B": 10, "C": 3}, 2).elected == ("A", "B")


@pytest.mark.parametrize(
    ("votes", "seats", "papers", "message"),
    [
        ({"A": 5, "B": 3}, 0, None, "at least 1"),
        ({"A": 5}, 1, None, "uncontested"),
        ({"A": -1, "B": 3}, 1, None, "must not be negative"),
        ({"A": 5, "B": 3, "C": 3}, 2, 5, "11 votes is more than 5 ballot papers × 2 seat"),
    ],
)
def test_fptp_bad_input(votes, seats, papers, message):
    with pytest.raises(CountInputError, match=message):
        count_fptp(votes, seats, ballot_papers=papers)


@given(
    st.dictionaries(st.text(min_size=1, max_size=5), st.integers(0, 10_000), min_size=2, max_size=10),
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=0, max_value=1000),
)
def test_fptp_winners_have_the_most_votes(votes, seats, seed):
    seats = min(seats, len(votes) - 1)
    result = count_fptp(votes, seats, seed=seed)
    assert len(result.elected) == len(set(result.elected)) == seats
    losers = [n for n in votes if n not in result.elected]
    assert min(votes[n] for n in result.elected) >= max(votes[n] for n in losers)


# ---- referendums ----------------------------------------------------------------------------
def test_eu_referendum_2016():
    result = count_referendum(
        {"Remain a member of the European Union": 16_141_241, "Leave the European Union": 17_410_742},
        rejected=25_359,
        electorate=46_500_001,
    )
    assert result.ballot_papers == 33_577_342  # "The total number of ballot papers counted"
    assert result.outcome == result.majority_answer == "Leave the European Union"
    assert result.margin == 1_269_501
    assert result.turnout == Decimal("72.21")  # announced as 72.2%
    assert round(Decimal(result.totals["Leave the European Union"]) * 1000 / result.valid_votes) == 519  # 51.9%


def test_scottish_devolution_referendum_1979_majority_but_not_40_percent_of_electorate():
    result = count_referendum(
        {"Yes": 1_230_937, "No": 1_153_502},
        electorate=3_747_112,
        thresholds=[Threshold("share of electorate", Decimal(40), "Yes")],
    )
    assert result.majority_answer == "Yes"
    (check,) = result.thresholds
    assert (check.figure, check.met) == (Decimal("32.85"), False)  # "only 32.9% of the electorate"
    assert result.outcome is None


def test_thresholds_are_decided_exactly_not_on_rounded_figures():
    # 39.999% of the electorate shows as 40.00 but does not meet 40%.
    result = count_referendum(
        {"Yes": 39_999, "No": 1}, electorate=100_000, thresholds=[Threshold("share of electorate", Decimal(40), "Yes")]
    )
    assert (result.thresholds[0].figure, result.thresholds[0].met) == (Decimal("40.00"), False)
    exact = count_referendum(
        {"Yes": 40_000, "No": 1}, electorate=100_000, thresholds=[Threshold("share of electorate", Decimal(40), "Yes")]
    )
    assert exact.thresholds[0].met


def test_turnout_and_share_of_votes_thresholds():
    result = count_referendum(
        {"Yes": 600, "No": 400},
        rejected=10,
        electorate=4000,
        thresholds=[Threshold("turnout", Decimal(25)), Threshold("share of votes", Decimal("60"), "Yes")],
    )
    assert [(t.figure, t.met) for t in result.thresholds] == [(Decimal("25.25"), True), (Decimal("60.00"), True)]
    assert result.outcome == "Yes"


def test_equal_votes_give_no_majority():
    result = count_referendum({"Yes": 5, "No": 5})
    assert (result.majority_answer, result.outcome, result.margin) == (None, None, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"votes": {"Yes": 1}}, "at least two answers"),
        ({"votes": {"Yes": -1, "No": 1}}, "must not be negative"),
        ({"votes": {"Yes": 1, "No": 1}, "rejected": -1}, "rejected ballot papers must not be negative"),
        ({"votes": {"Yes": 10, "No": 1}, "electorate": 5}, "electorate 5"),
        ({"votes": {"Yes": 1, "No": 1}, "thresholds": [Threshold("turnout", Decimal(1))]}, "needs the electorate"),
        (
            {"votes": {"Yes": 1, "No": 1}, "thresholds": [Threshold("share of votes", Decimal(1), "Maybe")]},
            "not one of the answers",
        ),
    ],
)
def test_referendum_bad_input(kwargs, message):
    votes = kwargs.pop("votes")
    with pytest.raises(CountInputError, match=message):
        count_referendum(votes, **kwargs)


# ---- supplementary vote ---------------------------------------------------------------------
LONDON_2021_FIRST = {
    "Sadiq Khan": 1_013_721,
    "Shaun Bailey": 893_051,
    "Siân Berry": 197_976,
    "Luisa Porritt": 111_716,
}


def test_london_mayor_2021_from_the_published_first_and_second_preferences():
    # Second preferences counted for the top two = final total - first preferences (CBP9231).
    second = {"Sadiq Khan": 1_206_034 - 1_013_721, "Shaun Bailey": 977_601 - 893_051}
    result = count_sv(LONDON_2021_FIRST, second)
    assert not result.decided_on_first_preferences
    assert result.top_two == ("Sadiq Khan", "Shaun Bailey")
    assert result.final == {"Sadiq Khan": 1_206_034, "Shaun Bailey": 977_601}
    assert result.elected == "Sadiq Khan"


def test_an_absolute_majority_of_first_preferences_elects_at_once():
    result = count_sv({"A": 51, "B": 30, "C": 19}, {})
    assert (result.elected, result.decided_on_first_preferences, result.top_two) == ("A", True, ())


def test_second_preferences_count_only_from_papers_of_eliminated_candidates():
    # SI 2017/67 Sch 1 r.55(1): second preferences for the remaining candidates "given by voters
    # who did not give their first preference vote to any of those candidates".
    papers = [
        ("A", "B", 40),  # A's papers: A remains, so B gains nothing from them
        ("B", "A", 35),
        ("C", "B", 15),  # C eliminated: 15 to B
        ("C", "A", 4),
        ("C", None, 3),  # no second preference: nothing
        ("D", "D", 3),  # second preference for an eliminated candidate: nothing
    ]
    result = count_sv_papers(["A", "B", "C", "D"], papers)
    assert result.first == {"A": 40, "B": 35, "C": 22, "D": 3}
    assert result.second == {"A": 4, "B": 15}
    assert result.final == {"A": 44, "B": 50}
    assert result.elected == "B"


def test_sv_ties_are_decided_by_lot():
    with pytest.raises(LotRequiredError, match="top two"):
        count_sv({"A": 40, "B": 30, "C": 30}, {})
    tied_second = count_sv({"A": 40, "B": 30, "C": 30}, {"B": 5, "C": 5}, seed=7)
    assert tied_second.tie_breaks[0].purpose == "top two"
    equal_final = count_sv({"A": 40, "B": 35, "C": 25}, {"A": 5, "B": 10}, seed=3)
    assert equal_final.final == {"A": 45, "B": 45}
    assert equal_final.tie_breaks[0].purpose == "equality of votes"
    assert equal_final.elected == equal_final.tie_breaks[0].outcome


def test_sv_bad_input():
    with pytest.raises(CountInputError, match="unknown candidate"):
        count_sv({"A": 1, "B": 1}, {"Z": 1})
    with pytest.raises(CountInputError, match="unknown first-preference candidate"):
        count_sv_papers(["A", "B"], [("Z", None, 1)])
    with pytest.raises(CountInputError, match="at least two candidates"):
        count_sv({"A": 1}, {})


def test_the_supplementary_vote_is_historic():
    assert supplementary_vote_applies("Mayor of London", dt.date(2021, 5, 6))
    assert not supplementary_vote_applies("Mayor of London", dt.date(2024, 5, 2))
    assert supplementary_vote_applies("police and crime commissioner", dt.date(2021, 5, 6))
