"""Nomination rules (``ems_rules.nominations``): subscribers, deposits and their return,
descriptions, SOPN order and subscriber checks.

Sources (the module docstring has the full list): EC guidance for (Acting) Returning Officers
and candidates — UKPGE and local "Nomination form – subscriber requirements", GLA deposits,
Scottish Parliament "Forms for nomination"; RPA 1983 Sch 1 r.9 and r.53; CAMO 2017 explanatory
note; WSI 2021/1460 Sch 2 r.5; elections.md §3.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ems_rules import nominations as nom
from ems_rules.nominations import (
    NoRuleError,
    SubscriberFacts,
    SubscriberProblem,
    check_description,
    check_subscriber,
    check_subscribers,
    deposit_pence,
    deposit_returned,
    sopn_sort_key,
    subscribers_required,
    subscription_limit,
)

POLL_2026 = dt.date(2026, 5, 7)
UKPGE_2024 = dt.date(2024, 7, 4)


@pytest.mark.parametrize(
    ("election_type", "nation", "on", "kwargs", "expected"),
    [
        ("ukpge", "ENG", UKPGE_2024, {}, 10),  # EC: proposer, seconder and 8 assenters
        ("ukp-by", "SCT", dt.date(2023, 10, 5), {}, 10),
        ("local", "ENG", POLL_2026, {}, 2),  # EC: "two electors registered ... in the ward"
        ("local-by", "ENG", dt.date(2023, 5, 4), {}, 2),  # first polls after 3 May 2023
        ("local", "ENG", dt.date(2022, 5, 5), {}, 10),  # before the 2023 change (elections.md)
        ("parish", "ENG", POLL_2026, {}, 2),
        ("parish", "WLS", dt.date(2022, 5, 5), {}, 0),  # WSI 2021/1460 r.5: the candidate nominates themself
        ("local", "WLS", POLL_2026, {}, 0),
        ("mayor-local", "ENG", POLL_2026, {}, 30),  # EC: 30 electors of the authority
        ("mayor-ca", "ENG", dt.date(2024, 5, 2), {}, 100),  # CAMO 2017: at least 100
        ("mayor-ca", "ENG", dt.date(2024, 5, 2), {"constituent_councils": 7}, 100),  # West Midlands: 7 councils
        ("mayor-ca", "ENG", dt.date(2024, 5, 2), {"constituent_councils": 12}, 120),  # 10 from each of 12
        ("pcc", "WLS", dt.date(2024, 5, 2), {}, 100),
        ("gla", "ENG", dt.date(2024, 5, 2), {}, 330),  # Mayor of London: 10 per borough and the City
        ("scottish-parliament", "SCT", POLL_2026, {}, 0),  # signed by the candidate and a witness
        ("scottish-parliament", "SCT", POLL_2026, {"contest": "regional-list"}, 0),
    ],
)
def test_subscribers_required(election_type, nation, on, kwargs, expected):
    assert subscribers_required(election_type, nation, on, **kwargs) == expected


@pytest.mark.parametrize(
    ("election_type", "nation", "on"),
    [
        ("senedd", "WLS", POLL_2026),  # the 2026 system is not modelled
        ("local", "SCT", dt.date(2022, 5, 5)),  # Scottish councils not modelled
        ("local", "WLS", dt.date(2021, 5, 6)),  # before the Welsh 2021 Rules applied
        ("mayor-local", "NIR", POLL_2026),
    ],
)
def test_unrecorded_rules_raise_rather_than_guess(election_type, nation, on):
    with pytest.raises(NoRuleError):
        subscribers_required(election_type, nation, on)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("council", "ENG", POLL_2026), "unknown election type"),
        (("local", "FRA", POLL_2026), "unknown nation"),
        (("gla", "ENG", POLL_2026, "borough"), "unknown gla contest"),
        (("local", "ENG", POLL_2026, "mayor"), "only one contest"),
    ],
)
def test_bad_arguments_are_value_errors(args, message):
    election_type, nation, on, *contest = args
    with pytest.raises(ValueError, match=message):
        subscribers_required(election_type, nation, on, contest=contest[0] if contest else None)


@pytest.mark.parametrize(
    ("election_type", "nation", "contest", "expected"),
    [
        ("ukpge", "ENG", None, 50_000),  # RPA 1983 Sch 1 r.9(1): £500
        ("ukp-by", "NIR", None, 50_000),
        ("local", "ENG", None, None),  # no deposit at council elections
        ("parish", "WLS", None, None),
        ("mayor-local", "ENG", None, 50_000),
        ("mayor-ca", "ENG", None, 500_000),  # CAMO 2017 explanatory note: £5000
        ("pcc", "ENG", None, 500_000),
        ("gla", "ENG", None, 1_000_000),  # Mayor of London: £10,000 (EC)
        ("gla", "ENG", "london-wide", 500_000),  # £5,000 per list (EC)
        ("scottish-parliament", "SCT", None, 50_000),  # £500 (EC Scottish Parliament RO guidance)
        ("scottish-parliament", "SCT", "regional-list", 50_000),
    ],
)
def test_deposits(election_type, nation, contest, expected):
    assert deposit_pence(election_type, nation, POLL_2026, contest=contest) == expected


@pytest.mark.parametrize(
    ("votes", "valid", "kwargs", "returned"),
    [
        (2_500, 50_000, {}, False),  # exactly one-twentieth: "not ... more than" forfeits
        (2_501, 50_000, {}, True),
        (0, 0, {}, False),
        (1_999, 50_000, {"elected": True}, True),  # r.53(4) forfeits only a candidate not elected
        (62_500, 2_500_000, {"election_type": "gla", "contest": "london-wide"}, False),  # exactly 2.5%
        (62_501, 2_500_000, {"election_type": "gla", "contest": "london-wide"}, True),
        (10_000, 2_500_000, {"election_type": "gla", "contest": "london-wide", "elected": True}, False),
        (125_000, 2_500_000, {"election_type": "gla"}, False),  # Mayor: exactly 5%
        (125_001, 2_500_000, {"election_type": "gla"}, True),
    ],
)
def test_deposit_return_threshold(votes, valid, kwargs, returned):
    election_type = kwargs.pop("election_type", "ukpge")
    assert deposit_returned(votes, valid, election_type, on=POLL_2026, **kwargs) is returned


def test_deposit_return_refuses_impossible_counts_and_polls_without_a_deposit():
    with pytest.raises(ValueError, match="cannot exceed"):
        deposit_returned(11, 10, "ukpge")
    with pytest.raises(ValueError, match="whole number"):
        deposit_returned(-1, 10, "ukpge")
    with pytest.raises(ValueError, match="no deposit"):
        deposit_returned(1, 10, "local")


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=0, max_value=10**7))
def test_deposit_returned_exactly_when_more_than_a_twentieth(a, b):
    votes, valid = min(a, b), max(a, b)
    assert deposit_returned(votes, valid, "ukpge", on=POLL_2026) is (votes * 20 > valid)
    assert deposit_returned(votes, valid, "gla", on=POLL_2026, contest="london-wide") is (votes * 40 > valid)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("", True),
        ("Independent", True),
        ("Labour and Co-operative Party", True),  # 4 words; a hyphenated word counts once
        ("Green Party of England and Wales", True),  # exactly 6
        ("The Official Monster Raving Loony Party Candidate", False),  # 7
        ("Local\u200bPeople", False),  # an invisible character
    ],
)
def test_description_of_at_most_six_words(text, ok):
    assert (check_description(text) == []) is ok


@given(st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=8), max_size=12))
def test_description_word_count_property(words):
    problems = check_description(" ".join(words))
    assert bool(problems) is (len(words) > 6)


def test_sopn_order_is_surname_then_other_names_ignoring_case_accents_and_punctuation():
    people = [
        ("SMITH", "John"),
        ("Smith", "Anne"),
        ("O'Brien", "Mary"),
        ("Oakes", "Peter"),
        ("Évans", "Zoe"),
        ("Evans", "Adam"),
        ("Smith-Jones", "Carl"),
    ]
    ordered = sorted(people, key=lambda p: sopn_sort_key(*p))
    assert ordered == [
        ("Evans", "Adam"),
        ("Évans", "Zoe"),
        ("Oakes", "Peter"),
        ("O'Brien", "Mary"),
        ("Smith", "Anne"),
        ("SMITH", "John"),
        ("Smith-Jones", "Carl"),
    ]


@given(st.lists(st.tuples(st.text(max_size=6), st.text(max_size=6)), max_size=10))
def test_sopn_order_is_total_and_independent_of_input_order(people):
    once = sorted(people, key=lambda p: sopn_sort_key(*p))
    backwards = people[::-1]
    assert sorted(backwards, key=lambda p: sopn_sort_key(*p)) == once
    assert len({sopn_sort_key(*p) for p in people}) == len(set(people))  # distinct people, distinct keys


# ---- subscribers -------------------------------------------------------------------------------


def sub(number: str = "AB-1", **kwargs) -> SubscriberFacts:
    base = {"in_register": True, "in_area": True, "anonymous": False}
    base.update(kwargs)
    return SubscriberFacts(number, **base)


@pytest.mark.parametrize(
    ("facts", "election_type", "nation", "expected"),
    [
        (sub(), "local", "ENG", []),
        (sub(in_register=False), "local", "ENG", [SubscriberProblem.NOT_IN_REGISTER]),
        (sub(in_area=False), "local", "ENG", [SubscriberProblem.OUTSIDE_AREA]),
        (sub(anonymous=True), "ukpge", "ENG", [SubscriberProblem.ANONYMOUS]),  # EC: may not subscribe
        (sub(signed=False), "local", "ENG", [SubscriberProblem.NOT_SIGNED]),
        # EC: "shown ... as being under 18 ... can only subscribe ... if they will be 18 ... on or before polling day"
        (sub(attainer_date=POLL_2026), "local", "ENG", []),
        (sub(attainer_date=POLL_2026 + dt.timedelta(days=1)), "local", "ENG", [SubscriberProblem.UNDER_AGE]),
        (sub(date_of_birth=dt.date(2008, 5, 8)), "local", "ENG", [SubscriberProblem.UNDER_AGE]),
        (sub(date_of_birth=dt.date(2010, 5, 7)), "local", "WLS", []),  # 16 at a Welsh local poll (inference)
        (sub(papers_subscribed=1), "ukpge", "ENG", [SubscriberProblem.LIMIT_REACHED]),  # one paper only
        (sub(papers_subscribed=1), "mayor-local", "ENG", []),  # no limit at local mayoral elections
    ],
)
def test_check_subscriber(facts, election_type, nation, expected):
    assert check_subscriber(facts, election_type, nation, POLL_2026) == expected


def test_a_subscriber_may_sign_as_many_council_papers_as_there_are_vacancies():
    two_signed = sub(papers_subscribed=2)
    assert check_subscriber(two_signed, "local", "ENG", POLL_2026, vacancies=3) == []
    assert check_subscriber(two_signed, "local", "ENG", POLL_2026, vacancies=2) == [SubscriberProblem.LIMIT_REACHED]
    assert subscription_limit("parish", 5) == 5
    assert subscription_limit("mayor-local") is None
    assert subscription_limit("ukp-by") == 1
    with pytest.raises(ValueError):
        subscription_limit("local", 0)


def test_only_the_first_subscribers_count_and_one_bad_one_invalidates_the_paper():
    # EC local guidance: "only the first two subscribers on any nomination form can be considered"
    good = check_subscribers([sub("AB-1"), sub("AB-2"), sub("AB-3", anonymous=True)], "local", "ENG", POLL_2026)
    assert good.valid and good.required == 2 and good.considered == 2 and good.problems == {}
    bad = check_subscribers([sub("AB-1"), sub("AB-2", in_area=False), sub("AB-3")], "local", "ENG", POLL_2026)
    assert not bad.valid and bad.problems == {1: [SubscriberProblem.OUTSIDE_AREA]}
    short = check_subscribers([sub("AB-1")] * 9, "ukpge", "ENG", UKPGE_2024)
    assert not short.valid and short.required == 10


def test_combined_authority_mayor_needs_ten_from_each_council():
    councils = ["Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton"]
    subscribers = [sub(f"X{i}", council=councils[i % 7]) for i in range(100)]
    assert check_subscribers(subscribers, "mayor-ca", "ENG", POLL_2026, constituent_councils=councils).valid
    lopsided = [sub(f"X{i}", council="Birmingham" if i < 50 else councils[1 + i % 6]) for i in range(100)]
    result = check_subscribers(lopsided, "mayor-ca", "ENG", POLL_2026, constituent_councils=councils)
    assert not result.valid and "Birmingham" not in result.councils_short and result.councils_short


def test_every_rule_names_its_source_and_the_records_do_not_overlap():
    for rule in (*nom.SUBSCRIBER_RULES, *nom.DEPOSIT_RULES):
        assert rule.source
        assert rule.valid_to is None or rule.valid_to >= rule.valid_from
    for group in (nom.SUBSCRIBER_RULES, nom.DEPOSIT_RULES):
        for a in group:
            for b in group:
                same = a.election_type == b.election_type and a.contest == b.contest and a.nations & b.nations
                if a is not b and same:
                    ends_a = a.valid_to or dt.date.max
                    ends_b = b.valid_to or dt.date.max
                    assert ends_a < b.valid_from or ends_b < a.valid_from, (a, b)
