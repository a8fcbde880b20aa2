"""Prescribed sale fees (ems_rules.fees): registration.md §8.1, §16 rows 54–57; RPR 2001 reg 120."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ems_rules import fees
from ems_rules.fees import Document, FeeSchedule, Form, NoFeeScheduleError
from ems_rules.franchise import Nation

D = dt.date
ON = D(2026, 3, 1)
documents = st.sampled_from(list(Document))
forms = st.sampled_from(list(Form))
entries = st.integers(min_value=0, max_value=10_000_000)
dates = st.dates(min_value=D(2008, 7, 3), max_value=D(2040, 12, 31))  # every schedule is in force


def fee(document, form, n, on=ON, nation=Nation.ENGLAND):
    return fees.sale_fee_pence(document, form, n, on=on, nation=nation)


# ---- worked examples from the published figures -------------------------------------------
@pytest.mark.parametrize(
    ("document", "form", "base", "per_block", "block"),
    [
        ("full", "data", 2000, 150, 1000),  # £20 + £1.50 per 1,000 or part [S47]; §16 row 54
        ("full", "printed", 1000, 500, 1000),  # £10 + £5 per 1,000 or part [S47]
        ("notices", "data", 2000, 150, 1000),  # each notice of alteration, same principle [S47]
        ("notices", "printed", 1000, 500, 1000),
        ("open", "data", 2000, 150, 1000),  # edited register [S48]; §16 row 56
        ("open", "printed", 1000, 500, 1000),
        ("overseas", "data", 2000, 150, 100),  # overseas list: per 100 or part [S47]; §16 row 55
        ("overseas", "printed", 1000, 500, 100),
        ("marked", "data", 1000, 100, 1000),  # RPR 2001 reg 120(2)(b) [S51]; §16 row 57
        ("marked", "printed", 1000, 200, 1000),  # RPR 2001 reg 120(2)(a)
    ],
)
def test_base_fee_and_part_block_edges(document, form, base, per_block, block):
    assert fee(document, form, 0) == base  # no entries: the base fee only
    assert fee(document, form, 1) == base + per_block  # a part-block counts as a whole block
    assert fee(document, form, block - 1) == base + per_block
    assert fee(document, form, block) == base + per_block
    assert fee(document, form, block + 1) == base + 2 * per_block
    assert fee(document, form, 10 * block) == base + 10 * per_block
    assert fee(document, form, 10 * block + 1) == base + 11 * per_block


@pytest.mark.parametrize(
    ("document", "form", "n", "expected"),
    [
        ("full", "data", 999, "£21.50"),
        ("full", "data", 1000, "£21.50"),
        ("full", "data", 1001, "£23.00"),
        ("full", "data", 75_000, "£132.50"),  # £20 + 75 × £1.50
        ("full", "data", 75_001, "£134.00"),  # 76 blocks
        ("full", "printed", 75_000, "£385.00"),  # £10 + 75 × £5
        ("full", "printed", 245_500, "£1,240.00"),  # £10 + 246 × £5
        ("open", "data", 60_250, "£111.50"),  # £20 + 61 × £1.50
        ("overseas", "data", 99, "£21.50"),
        ("overseas", "data", 100, "£21.50"),
        ("overseas", "data", 101, "£23.00"),
        ("overseas", "printed", 1_250, "£75.00"),  # £10 + 13 × £5
        ("marked", "data", 75_000, "£85.00"),  # £10 + 75 × £1
        ("marked", "printed", 75_000, "£160.00"),  # £10 + 75 × £2
        ("marked", "printed", 75_001, "£162.00"),
    ],
)
def test_worked_examples(document, form, n, expected):
    assert fees.format_pounds(fee(document, form, n)) == expected


def test_marked_register_in_both_forms_is_two_requests():
    # RPR 2001 reg 120(3): the same marked register in printed and data form "may be treated as two
    # separate requests", so each form pays its own £10 base fee.
    both = fee("marked", "data", 5_000) + fee("marked", "printed", 5_000)
    assert both == (1000 + 5 * 100) + (1000 + 5 * 200)


def test_each_register_and_notice_pays_its_own_base_fee():
    # [S47]: the base fee applies to each register the ERO maintains (two constituencies: two base fees),
    # and the same principle applies to each notice of alteration. Pricing is one call per document.
    two_registers = fee("full", "data", 40_000) + fee("full", "data", 35_000)
    assert two_registers == 2 * 2000 + (40 + 35) * 150
    assert two_registers > fee("full", "data", 75_000)


# ---- bad input --------------------------------------------------------------------------------
def test_negative_entries_are_refused():
    with pytest.raises(ValueError, match="negative"):
        fee("full", "data", -1)


@pytest.mark.parametrize("bad", [1.5, "10", None, True])
def test_non_integer_entries_are_refused(bad):
    with pytest.raises(TypeError):
        fee("full", "data", bad)


def test_unknown_document_or_form_is_a_value_error():
    with pytest.raises(ValueError):
        fee("draft", "data", 10)
    with pytest.raises(ValueError):
        fee("full", "braille", 10)


# ---- validity dates and nations --------------------------------------------------------------
def test_a_date_before_any_schedule_is_a_clear_error():
    with pytest.raises(NoFeeScheduleError, match=r"earliest record starts 2002-10-16"):
        fee("full", "data", 10, on=D(2002, 10, 15))
    assert fee("full", "data", 10, on=D(2002, 10, 16)) == 2150
    with pytest.raises(NoFeeScheduleError, match=r"earliest record starts 2008-07-03"):
        fee("marked", "printed", 10, on=D(2008, 7, 2))
    assert fee("marked", "printed", 10, on=D(2008, 7, 3)) == 1200


def test_wales_shares_the_england_and_wales_schedules():
    for document in Document:
        for form in Form:
            assert fee(document, form, 12_345, nation=Nation.WALES) == fee(document, form, 12_345)


@pytest.mark.parametrize("nation", [Nation.SCOTLAND, Nation.NORTHERN_IRELAND, "SCT", "NIR"])
def test_scotland_and_northern_ireland_are_not_priced(nation):
    with pytest.raises(NoFeeScheduleError, match="no fee is recorded"):
        fee("full", "data", 100, nation=nation)


def test_a_closed_schedule_hands_over_to_its_successor():
    old = fees.FEE_SCHEDULES[0]
    closed = FeeSchedule(**{**_fields(old), "valid_to": D(2030, 3, 31)})
    new = FeeSchedule(**{**_fields(old), "valid_from": D(2030, 4, 1), "base_pence": 2500})
    pick = fees.fee_schedule
    assert pick(old.document, old.form, on=D(2030, 3, 31), schedules=[closed, new]) is closed
    assert pick(old.document, old.form, on=D(2030, 4, 1), schedules=[closed, new]) is new
    with pytest.raises(NoFeeScheduleError, match="2 fee schedules overlap"):
        pick(old.document, old.form, on=D(2031, 1, 1), schedules=[old, new])  # overlap: refuse to choose


def _fields(schedule):
    return {name: getattr(schedule, name) for name in FeeSchedule.__dataclass_fields__}


def test_schedules_are_data_with_validity_dates_and_sources():
    assert {(s.document, s.form) for s in fees.FEE_SCHEDULES} == {(d, f) for d in Document for f in Form}
    for s in fees.FEE_SCHEDULES:
        assert s.valid_to is None or s.valid_from <= s.valid_to
        assert s.source
        assert isinstance(s.base_pence, int)
        assert isinstance(s.per_block_pence, int)
        assert s.nations == {Nation.ENGLAND, Nation.WALES}
    reg_120 = [s for s in fees.FEE_SCHEDULES if s.document == Document.MARKED]
    assert all("reg 120" in s.source for s in reg_120)
    with pytest.raises(ValueError):
        FeeSchedule(**{**_fields(fees.FEE_SCHEDULES[0]), "block_size": 0})
    with pytest.raises(ValueError):
        FeeSchedule(**{**_fields(fees.FEE_SCHEDULES[0]), "valid_to": D(2000, 1, 1)})


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (0, "£0.00"),
        (5, "£0.05"),
        (150, "£1.50"),
        (2000, "£20.00"),
        (123_450, "£1,234.50"),
        (100_000_001, "£1,000,000.01"),
    ],
)
def test_format_pounds(pence, text):
    assert fees.format_pounds(pence) == text


def test_format_pounds_refuses_floats():
    with pytest.raises(TypeError):
        fees.format_pounds(12.5)
    assert fees.format_pounds(-150) == "-£1.50"


# ---- properties -------------------------------------------------------------------------------
@given(document=documents, form=forms, n=entries, on=dates)
def test_fee_is_integer_pence_never_below_the_base_fee(document, form, n, on):
    schedule = fees.fee_schedule(document, form, on=on)
    value = fees.sale_fee_pence(document, form, n, on=on)
    assert type(value) is int
    assert value >= schedule.base_pence
    assert (value - schedule.base_pence) % schedule.per_block_pence == 0


@given(document=documents, form=forms, n=entries)
def test_fee_is_monotonic_non_decreasing(document, form, n):
    assert fee(document, form, n) <= fee(document, form, n + 1)


@given(document=documents, form=forms, n=entries)
def test_fee_is_constant_within_a_block_and_jumps_by_one_block_fee_at_the_boundary(document, form, n):
    schedule = fees.fee_schedule(document, form, on=ON)
    size = schedule.block_size
    start = (n // size) * size  # a multiple of the block size: the last entry of the previous block
    within = fee(document, form, start + 1)
    for k in (start + 1, start + size // 2, start + size):  # all of the block after ``start``
        assert fee(document, form, k) == within
    assert fee(document, form, start + size + 1) - fee(document, form, start + size) == schedule.per_block_pence
    assert within == schedule.base_pence + (start // size + 1) * schedule.per_block_pence


@given(document=documents, form=forms, n=entries)
def test_fee_matches_ceiling_division_formula(document, form, n):
    schedule = fees.fee_schedule(document, form, on=ON)
    blocks = n // schedule.block_size + (1 if n % schedule.block_size else 0)
    assert fee(document, form, n) == schedule.base_pence + blocks * schedule.per_block_pence


@given(pence=st.integers(min_value=0, max_value=10**12))
def test_format_pounds_round_trips(pence):
    text = fees.format_pounds(pence)
    assert text.startswith("£")
    pounds, _, p = text[1:].partition(".")
    assert len(p) == 2
    assert int(pounds.replace(",", "")) * 100 + int(p) == pence
