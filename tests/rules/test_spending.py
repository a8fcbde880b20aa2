"""Candidate spending limits and return deadlines (``ems_rules.spending``), reproducing
published figures. Each case names where the figure was published.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ems_rules import spending
from ems_rules.fees import format_pounds
from ems_rules.spending import (
    NoLimitError,
    candidate_spending_limit_pence,
    inspection_notice_deadline,
    long_campaign_limit_pence,
    return_deadline,
)

POLL_2026 = dt.date(2026, 5, 7)
UKPGE_2024 = dt.date(2024, 7, 4)


def limit(*args, **kwargs) -> str:
    return format_pounds(candidate_spending_limit_pence(*args, **kwargs))


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        # EC, Guidance for candidates and agents, local elections in England, "How much can you spend",
        # Example A: "If there are 7,500 electors in a ward, the spending limit is £960 + (7,500 x 0.08) = £1,560"
        (("local", POLL_2026, 7_500), {}, "£1,560.00"),
        # Example B: two joint candidates, 7,500 electors: £1,560 - 25% = £1,170 (also Hounslow, May 2026)
        (("local", POLL_2026, 7_500), {"joint_candidates": 2}, "£1,170.00"),
        # RPA 1983 s.77(1): more than two joint candidates, a third off
        (("local", POLL_2026, 7_500), {"joint_candidates": 3}, "£1,040.00"),
        (("local-by", POLL_2026, 7_500), {"joint_candidates": 4}, "£1,040.00"),
        # Folkestone & Hythe, county elections 1 May 2025: "£960, plus 8p per local government elector"
        (("local", dt.date(2025, 5, 1), 0), {}, "£960.00"),
        # Richmond upon Thames, 5 May 2022: "£806.00, plus 7p per ... elector"; its example: 7,500 -> £1,331;
        # Barnes ward had 7,472 electors on 1 April 2022
        (("local", dt.date(2022, 5, 5), 7_500), {}, "£1,331.00"),
        (("local", dt.date(2022, 5, 5), 7_472), {}, "£1,329.04"),
        # SI 2014/1870 art 5: £740 + 6p (England and Wales), e.g. the 2019 local elections
        (("local", dt.date(2019, 5, 2), 7_500), {}, "£1,190.00"),
        (("local", POLL_2026, 7_500), {"nation": "WLS"}, "£1,190.00"),
        # Hounslow, UK Parliamentary general election 4 July 2024: "£11,390 plus 8p per registered
        # parliamentary elector": Brentford & Isleworth 77,874 -> £17,619.92; Feltham & Heston 75,503 -> £17,430.24
        (("ukpge", UKPGE_2024, 77_874), {"constituency_type": "borough"}, "£17,619.92"),
        (("ukpge", UKPGE_2024, 75_503), {"constituency_type": "borough"}, "£17,430.24"),
        # Mole Valley, UKPGE 2024 (county): 69,943 x 0.12 = 8,393.16 + fixed amount = £19,783.16
        (("ukpge", UKPGE_2024, 69_943), {"constituency_type": "county"}, "£19,783.16"),
        # SI 2014/1870 art 4: 2019 general election, £8,700 + 9p county / 6p borough
        (("ukpge", dt.date(2019, 12, 12), 70_000), {"constituency_type": "county"}, "£15,000.00"),
        (("ukpge", dt.date(2019, 12, 12), 70_000), {"constituency_type": "borough"}, "£12,900.00"),
        # RPA 1983 s.76(2)(aa): £100,000 at a by-election (before SI 2023/1235)
        (("ukp-by", dt.date(2023, 7, 20), 70_000), {}, "£100,000.00"),
        # SI 2024/428 reg 3: local authority mayors, England £3,040 + 8p; Wales £2,362 + 5.9p
        (("mayor-local", dt.date(2024, 5, 2), 100_000), {}, "£11,040.00"),
        (("mayor-local", dt.date(2024, 5, 2), 100_000), {"nation": "WLS"}, "£8,262.00"),
        (("mayor-local", dt.date(2024, 5, 2), 100_001), {"nation": "WLS"}, "£8,262.05"),  # 5.9p rounds down
        # CAMO 2017 explanatory note: £2,362 x constituent councils + 5.9p per elector
        (("mayor-ca", dt.date(2021, 5, 6), 1_000_000), {"constituent_councils": 7}, "£75,534.00"),
        # SI 2023/1227 art 2: PCC, Avon & Somerset £305,130; Bedfordshire £114,570 (and £83,681 before)
        (("pcc", dt.date(2024, 5, 2), 1_300_000), {"police_area": "Avon & Somerset"}, "£305,130.00"),
        (("pcc", dt.date(2024, 5, 2), 0), {"police_area": "avon and somerset"}, "£305,130.00"),
        (("pcc", dt.date(2021, 5, 6), 0), {"police_area": "Bedfordshire", "nation": "ENG"}, "£83,681.00"),
        # London Elects 2024: Mayor £760,410; constituency £63,360; London-wide £597,460
        (("gla", dt.date(2024, 5, 2), 6_000_000), {}, "£760,410.00"),
        (("gla", dt.date(2024, 5, 2), 400_000), {"contest": "constituency"}, "£63,360.00"),
        (("gla", dt.date(2024, 5, 2), 6_000_000), {"contest": "london-wide"}, "£597,460.00"),
        # SSI 2015/425 art 42: Scottish Parliament £8,700 + 9p (county) / 6p (burgh); vacancy £100,000
        (
            ("scottish-parliament", dt.date(2021, 5, 6), 60_000),
            {"constituency_type": "county", "nation": "SCT"},
            "£14,100.00",
        ),
        (
            ("scottish-parliament", dt.date(2021, 5, 6), 60_000),
            {"constituency_type": "burgh", "nation": "SCT"},
            "£12,300.00",
        ),
        (("scottish-parliament", dt.date(2023, 1, 1), 60_000), {"contest": "vacancy", "nation": "SCT"}, "£100,000.00"),
        # Welsh Government, 17 April 2025: £52,500 for an individual Senedd candidate (proposed)
        (("senedd", POLL_2026, 400_000), {"nation": "WLS"}, "£52,500.00"),
    ],
)
def test_published_limits(args, kwargs, expected):
    assert limit(*args, **kwargs) == expected


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (("ukpge", UKPGE_2024, 70_000), {}, ValueError, "constituency-type"),
        (("local", POLL_2026, 7_500), {"constituency_type": "county"}, ValueError, "constituency type applies only"),
        (("ukpge", UKPGE_2024, 70_000), {"constituency_type": "county", "joint_candidates": 2}, ValueError, "joint"),
        (("local", POLL_2026, -1), {}, ValueError, "electorate"),
        (("local", POLL_2026, 7_500), {"joint_candidates": 0}, ValueError, "joint_candidates"),
        (("council", POLL_2026, 7_500), {}, ValueError, "unknown election type"),
        (("pcc", POLL_2026, 1), {}, ValueError, "police area"),
        (("pcc", POLL_2026, 1), {"police_area": "Kent"}, NoLimitError, "no PCC limit is recorded for police area"),
        (("mayor-ca", POLL_2026, 1), {}, ValueError, "constituent councils"),
        (("ukp-by", POLL_2026, 70_000), {}, NoLimitError, "SI 2023/1235"),
        (("local", dt.date(2010, 5, 6), 7_500), {}, NoLimitError, "earliest record"),
        (("local", POLL_2026, 7_500), {"nation": "SCT"}, NoLimitError, "no spending limit is recorded"),
        (("gla", POLL_2026, 1), {"contest": "borough"}, ValueError, "unknown GLA contest"),
    ],
)
def test_errors_are_clear(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        candidate_spending_limit_pence(*args, **kwargs)


def test_electorate_must_be_a_whole_number():
    with pytest.raises(TypeError):
        candidate_spending_limit_pence("local", POLL_2026, 7.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        candidate_spending_limit_pence("local", POLL_2026, True)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=2_000_000), st.sampled_from(["local", "parish", "mayor-local"]))
def test_limit_is_the_exact_formula_rounded_down_and_grows_with_the_electorate(electorate, kind):
    record = spending.spending_limit_record(kind, POLL_2026)
    exact = Fraction(record.fixed_pence) + Fraction(record.per_elector_tenths * electorate, 10)
    got = candidate_spending_limit_pence(kind, POLL_2026, electorate)
    assert got <= exact < got + 1
    assert candidate_spending_limit_pence(kind, POLL_2026, electorate + 1) >= got


@given(st.integers(min_value=0, max_value=2_000_000), st.integers(min_value=1, max_value=8))
def test_joint_candidates_never_have_more_than_a_single_candidate(electorate, joint):
    single = candidate_spending_limit_pence("local", POLL_2026, electorate)
    shared = candidate_spending_limit_pence("local", POLL_2026, electorate, joint_candidates=joint)
    expected = {1: Fraction(1), 2: Fraction(3, 4)}.get(joint, Fraction(2, 3))
    exact = (Fraction(96_000) + Fraction(80 * electorate, 10)) * expected
    assert shared == int(exact) and shared <= single


def test_limits_change_on_the_recorded_dates():
    before = spending._before(spending._SI_2023_1235)
    assert limit("local", before, 7_500) == "£1,331.00"
    assert limit("local", spending._SI_2023_1235, 7_500) == "£1,560.00"
    assert limit("pcc", dt.date(2023, 12, 11), 0, police_area="Bedfordshire") == "£83,681.00"
    assert limit("pcc", dt.date(2023, 12, 12), 0, police_area="Bedfordshire") == "£114,570.00"


def test_records_have_sources_and_do_not_overlap():
    records = spending.SPENDING_LIMITS
    for record in records:
        assert record.source
    for a in records:
        for b in records:
            same = a.election_type == b.election_type and a.contest == b.contest and a.nations & b.nations
            if a is not b and same:
                assert (a.valid_to or dt.date.max) < b.valid_from or (b.valid_to or dt.date.max) < a.valid_from


# ---- long campaign (RPA 1983 s.76ZA) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("poll", "month", "kind", "expected_pence"),
    [
        # 2014 figures: £30,700 + 9p county; 70,000 electors = £37,000 at 100%
        (dt.date(2015, 5, 7), 60, "county", 3_700_000),
        (dt.date(2015, 5, 7), 56, "county", 2_220_000),  # 60% in the 56th month
        (dt.date(2015, 5, 7), 58, "borough", int((3_070_000 + 6 * 70_000) * Fraction(8, 10))),
        (dt.date(2015, 5, 7), 55, "county", 0),  # no long campaign before the 56th month
        # IfG explainer: maximum £40,220 + 8p (borough) / 12p (county)
        (dt.date(2025, 1, 30), 60, "borough", 4_022_000 + 8 * 70_000),
    ],
)
def test_long_campaign(poll, month, kind, expected_pence):
    assert long_campaign_limit_pence(poll, 70_000, constituency_type=kind, dissolution_month=month) == expected_pence


def test_long_campaign_errors():
    with pytest.raises(ValueError):
        long_campaign_limit_pence(UKPGE_2024, 1, constituency_type="county", dissolution_month=61)
    with pytest.raises(ValueError):
        long_campaign_limit_pence(UKPGE_2024, 1, constituency_type="ward", dissolution_month=58)


# ---- returns and inspection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("election_type", "declared", "kwargs", "expected"),
    [
        # Mole Valley, UKPGE 4 July 2024 (declared 5 July): "The deadline to submit an expenses return is
        # Friday 9 August 2024"
        ("ukpge", dt.date(2024, 7, 5), {}, dt.date(2024, 8, 9)),
        # elections.md §2.3 worked example: declared Fri 8 May 2026 -> Fri 12 June 2026 (35 days)
        ("local", dt.date(2026, 5, 8), {}, dt.date(2026, 6, 12)),
        # parish: "within 28 days after the day of election" (RPA 1983 Sch 4 para 3): poll 7 May -> 4 June 2026
        ("parish", dt.date(2026, 5, 8), {"poll_date": POLL_2026}, dt.date(2026, 6, 4)),
        ("parish", dt.date(2026, 5, 7), {}, dt.date(2026, 6, 4)),
        # EC GLRO guidance / London Elects: 70 days for Mayor and London-wide, 35 for constituency members
        ("gla", dt.date(2024, 5, 4), {}, dt.date(2024, 7, 13)),
        ("gla", dt.date(2024, 5, 4), {"contest": "london-wide"}, dt.date(2024, 7, 13)),
        ("gla", dt.date(2024, 5, 4), {"contest": "constituency"}, dt.date(2024, 6, 8)),
        ("pcc", dt.date(2024, 5, 3), {}, dt.date(2024, 7, 12)),  # 70 days (elections.md, unconfirmed)
        ("mayor-ca", dt.date(2024, 5, 3), {}, dt.date(2024, 6, 7)),  # 35 (the shorter, unconfirmed)
    ],
)
def test_return_deadlines(election_type, declared, kwargs, expected):
    assert return_deadline(election_type, declared, **kwargs) == expected


def test_inspection_notice_follows_the_return_deadline_by_ten_days():
    assert inspection_notice_deadline("ukpge", dt.date(2024, 7, 5)) == dt.date(2024, 8, 19)


def test_every_election_type_has_a_return_period():
    for kind in spending.ELECTION_TYPES:
        assert return_deadline(kind, POLL_2026) > POLL_2026
    with pytest.raises(ValueError):
        return_deadline("council", POLL_2026)
