"""UK postcode normalisation and format validation (ems_rules.postcode)."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ems_rules.postcode import is_valid_postcode, normalise_postcode, outward_code, parse_postcode


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" sw1a1aa ", "SW1A 1AA"),  # AA9A
        ("SW1A 1AA", "SW1A 1AA"),
        ("w1a0ax", "W1A 0AX"),  # A9A
        ("M1 1AE", "M1 1AE"),  # A9
        ("B33 8TH", "B33 8TH"),  # A99
        ("CR2 6XH", "CR2 6XH"),  # AA9
        ("DN55 1PT", "DN55 1PT"),  # AA99
        ("B63  1BZ", "B63 1BZ"),  # ONSPD pcd2 style double space
        ("AB1\t0AA", "AB1 0AA"),
        ("gir0aa", "GIR 0AA"),  # Girobank exception
        ("BF1 3AA", "BF1 3AA"),  # BFPO postcodes in BF1 are ordinary postcodes
        ("CF11 9PU", "CF11 9PU"),
    ],
)
def test_valid_postcodes_are_normalised(raw, expected):
    assert normalise_postcode(raw) == expected
    assert parse_postcode(raw) == expected
    assert is_valid_postcode(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "SW1A 1A",  # inward too short
        "SW1A1AAA",
        "ZZ99 9ZZ",  # Z never second letter
        "QA1 1AA",  # Q never first
        "AI1 1AA",  # I never second
        "W1A 0AC",  # C never in the inward code
        "W1A 0IA",
        "1AA 1AA",
        "BFPO 1234",  # a forces routing number, not a postcode
        "ASCN 1ZZ",  # overseas territory
        "GX11 1AA",  # Gibraltar
        "W1L 1AA",  # L not allowed third in A9A
        "EC1Z 1AA",  # Z not allowed fourth in AA9A
        "SW1A-1AA",
    ],
)
def test_invalid_postcodes_give_none_and_parse_raises(raw):
    assert normalise_postcode(raw) is None
    assert not is_valid_postcode(raw)
    with pytest.raises(ValueError):
        parse_postcode(raw)


def test_none_is_not_a_postcode():
    assert normalise_postcode(None) is None


def test_outward_code():
    assert outward_code("sw1a1aa") == "SW1A"
    with pytest.raises(ValueError):
        outward_code("nope")


FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"
SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"
INWARD = "ABDEFGHJLNPQRSTUWXYZ"
outwards = st.one_of(
    st.tuples(st.sampled_from(FIRST), st.sampled_from(string.digits)).map("".join),
    st.tuples(st.sampled_from(FIRST), st.sampled_from(string.digits), st.sampled_from(string.digits)).map("".join),
    st.tuples(st.sampled_from(FIRST), st.sampled_from(SECOND), st.sampled_from(string.digits)).map("".join),
    st.tuples(
        st.sampled_from(FIRST), st.sampled_from(SECOND), st.sampled_from(string.digits), st.sampled_from("ABEHMNPRVWXY")
    ).map("".join),
)
inwards = st.tuples(st.sampled_from(string.digits), st.sampled_from(INWARD), st.sampled_from(INWARD)).map("".join)


@given(outwards, inwards, st.sampled_from(["", " ", "  ", "\t"]), st.booleans())
def test_generated_postcodes_normalise_whatever_the_spacing_and_case(outward, inward, gap, lower):
    raw = f"{outward}{gap}{inward}"
    if lower:
        raw = raw.lower()
    assert normalise_postcode(raw) == f"{outward} {inward}"


@given(st.text(max_size=12))
def test_normalising_is_idempotent_and_output_is_always_valid(raw):
    result = normalise_postcode(raw)
    if result is not None:
        assert normalise_postcode(result) == result
        assert 6 <= len(result) <= 8
        assert result == result.upper() and result.count(" ") == 1
