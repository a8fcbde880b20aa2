"""The register print PDF: layout, what is withheld (anonymous, special category, under 16), escaping.

No database: entries are built here in the shape ``register_as_at`` returns. Text is read back
from the PDF with pypdf, so every check is on what a reader of the printed page would see.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from ems.register.exporters.pdf import elector_number, register_pdf_data, render_register_pdf

AS_AT = dt.date(2026, 12, 1)
AUTHORITY = "Borsetshire District Council"
SRC = Path(__file__).resolve().parents[3] / "src"


def entry(number: int, surname: str = "Archer", first_names: str = "Philip", **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ems_elector_id": f"id-{number}",
        "polling_district_id": 1,
        "polling_district_code": "AB",
        "elector_number": number,
        "elector_suffix": 0,
        "title": "",
        "first_names": first_names,
        "surname": surname,
        "date_of_birth": "1970-05-01",
        "markers": "",
        "attainer_date": None,
        "open_register_opt_out": False,
        "is_anonymous": False,
        "special_category": "",
        "property_id": number,
        "address_1": f"{number} Church Lane",
        "address_2": "",
        "address_3": "Ambridge",
        "address_4": "",
        "address_5": "",
        "address_6": "",
        "postcode": "AB1 2CD",
        "uprn": 1000 + number,
    }
    return base | extra


def render(entries: list[dict[str, Any]], **kwargs: Any) -> bytes:
    args: dict[str, Any] = {
        "entries": entries,
        "authority_name": AUTHORITY,
        "title": "Register of electors – full",
        "kind": "full",
        "as_at": AS_AT,
        "district_names": {"AB": "Ambridge", "AC": "Loxley Barrett"},
    }
    return render_register_pdf(**(args | kwargs))


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def text(pdf: bytes) -> str:
    return "\n".join(pages(pdf))


def test_pdf_has_the_register_heading_and_entries():
    entries = [
        entry(1, "Archer", "Philip", property_id=10, address_1="Brookfield Farm"),
        entry(2, "Archer", "Jill", property_id=10, address_1="Brookfield Farm", markers="G"),
        entry(3, "Grundy", "Eddie", attainer_date="2027-03-12", markers="K"),
        entry(4, "Aldridge", "Brian", elector_suffix=1),
    ]
    pdf = render(entries, published=AS_AT)
    assert pdf.startswith(b"%PDF")
    out = text(pdf)
    for expected in (
        AUTHORITY,
        "Register of electors – full",
        "Published 1 December 2026",
        "Polling district AB – Ambridge",
        "Page 1 of 1",
        "Elector no.",
        "Brookfield Farm, Ambridge, AB1 2CD",
        "Archer, Philip",
        "Archer, Jill",
        "Grundy, Eddie",
        "AB-4/1",
    ):
        assert expected in out, expected
    assert re.search(r"AB-2\s+G\s+Archer, Jill", out)
    assert re.search(r"AB-3\s+K 12/03/2027\s+Grundy, Eddie", out), "the attainer's date is printed as a marker"
    assert out.count("Brookfield Farm") == 1, "a household is printed under one address heading"
    # Street order: the order given, not re-sorted.
    assert [m.group(1) for m in re.finditer(r"\bAB-(\d+)", out)] == ["1", "2", "3", "4"]


def test_attainer_date_already_reached_is_not_printed():
    out = text(render([entry(1, attainer_date="2026-01-01")]))
    assert "01/01/2026" not in out


def test_as_at_heading_without_a_publication_date():
    out = text(render([entry(1)]))
    assert "Entries as at 1 December 2026" in out
    assert "Published" not in out


def test_other_electors_withhold_addresses_and_anonymous_details():
    entries = [
        entry(1, "Archer", "David"),
        entry(2, "Zephyrine", "Overseasia", special_category="overseas", markers="F", address_1="Overseas House"),
        entry(3, "Anonymoustwig", "Hiddenella", is_anonymous=True, address_1="Secret Cottage", postcode="ZZ9 9ZZ"),
        entry(4, "Bellamy", "Servicia", special_category="service", address_1="Barracks Row"),
        entry(5, "Carterton", "Declaria", special_category="local_connection", address_1="Park Bench"),
        entry(6, "Dunmore", "Crowna", special_category="crown", address_1="Embassy Lodge"),
        entry(7, "Nomarkerflag", "Quietus", markers="N", address_1="Marker Mews"),
    ]
    out = text(render(entries))
    assert "Other electors" in out
    body, other = out.split("Other electors")
    # Special category electors whose address is withheld: name and number, after the body, by surname.
    withheld = (("Bellamy, Servicia", "AB-4"), ("Carterton, Declaria", "AB-5"), ("Zephyrine, Overseasia", "AB-2"))
    for name, number in withheld:
        assert name in other and number in other
        assert name not in body
    assert other.index("Bellamy") < other.index("Carterton") < other.index("Zephyrine")
    assert re.search(r"AB-2\s+F\s+Zephyrine", other)
    for address in ("Overseas House", "Barracks Row", "Park Bench", "Secret Cottage", "ZZ9 9ZZ", "Marker Mews"):
        assert address not in out, address
    # Crown servants are printed at their address (registration.md §1.1 names only the other three).
    assert "Embassy Lodge" in body and "Dunmore, Crowna" in body
    # Anonymous electors: only the number and N, after the special category electors.
    for secret in ("Anonymoustwig", "Hiddenella", "Nomarkerflag", "Quietus"):
        assert secret not in out, secret
    assert re.search(r"AB-3\s+N\b", other) and re.search(r"AB-7\s+N\b", other)
    assert other.index("Zephyrine") < other.index("AB-3")


def test_hostile_names_print_literally():
    hostile = [
        r'#import "@preview/cetz:0.3.0": *',
        r"*bold* _emph_ $x^2$ @ref <label> [link] \\back\\slash",
        'O\'Brien "Quoted" -- ... ~ `raw` // not a comment',
        '#{panic("boom")} #sys.inputs',
        "Ŵyn Ap-Siôn Ñúñez",
    ]
    entries = [entry(i + 1, surname=name, first_names=f"F{i}") for i, name in enumerate(hostile)]
    out = text(render(entries, authority_name=r"#set text(red) [Council] *x*"))
    for name in hostile:
        assert f"{name}, F" in out, name
    assert "#set text(red) [Council] *x*" in out


def test_each_part_starts_on_a_new_page_with_its_own_page_count():
    entries = [entry(n) for n in range(1, 121)] + [
        entry(n, "Grundy", polling_district_code="AC", address_1=f"{n} Loxley Road") for n in range(1, 4)
    ]
    texts = pages(render(entries))
    assert len(texts) >= 3
    ab_pages = [t for t in texts if "Polling district AB – Ambridge" in t]
    ac_pages = [t for t in texts if "Polling district AC – Loxley Barrett" in t]
    assert len(ab_pages) + len(ac_pages) == len(texts)
    assert ac_pages == texts[len(ab_pages) :]
    for i, page_text in enumerate(ab_pages, start=1):
        assert f"Page {i} of {len(ab_pages)}" in page_text
        assert "Grundy" not in page_text
    assert "Page 1 of 1" in ac_pages[0] and "AC-3" in ac_pages[0]


def test_district_code_limits_the_pdf_to_one_part():
    entries = [entry(1), entry(2, "Grundy", polling_district_code="AC")]
    out = text(render(entries, district_code="AC"))
    assert "Grundy" in out and "Archer" not in out and "Polling district AB" not in out


def test_open_register_leaves_out_opt_outs_and_anonymous_electors():
    entries = [
        entry(1, "Openshaw"),
        entry(2, "Optedout", open_register_opt_out=True),
        entry(3, "Anonymoustwig", is_anonymous=True),
    ]
    out = text(render(entries, kind="open", title="Open register"))
    assert "Open register" in out and "Openshaw" in out
    assert "Optedout" not in out and "AB-2" not in out
    assert "AB-3" not in out and "Anonymoustwig" not in out


def test_nobody_under_16_is_printed():
    entries = [entry(1, "Youngling", date_of_birth="2011-06-01"), entry(2, "Grownup", date_of_birth="2010-11-30")]
    out = text(render(entries))
    assert "Youngling" not in out and "AB-1" not in out
    assert "Grownup" in out


def test_notice_of_alteration_sections():
    alterations = [
        {"kind": "add", "entry": entry(5, "Newcomer", "Nadia", markers="G")},
        {"kind": "add", "entry": entry(6, "Anonymoustwig", "Hiddenella", is_anonymous=True, address_1="Hidden Row")},
        {"kind": "add", "entry": entry(7, "Farflung", "Olga", special_category="overseas", address_1="Far Villa")},
        {"kind": "amend", "entry": entry(8, "Renamed", "Rita"), "previous": entry(3, "Oldname", "Rita")},
        {"kind": "delete", "entry": {}, "previous": entry(9, "Departed", "Dan")},
        {"kind": "delete", "entry": {}, "previous": entry(10, "Shadowmoth", "Secretia", is_anonymous=True)},
    ]
    pdf = render([], kind="notice", title="Notice of alteration", alterations=alterations)
    out = text(pdf)
    assert "Notice of alteration" in out and "Published 1 December 2026" in out
    additions, rest = out.split("Additions")[1].split("Amendments")
    amendments, deletions = rest.split("Deletions")
    assert re.search(r"AB-5\s+G\s+Newcomer, Nadia\s+5 Church Lane, Ambridge, AB1 2CD", additions)
    assert re.search(r"AB-6\s+N\b", additions)
    assert "Farflung, Olga" in additions and "Far Villa" not in out
    assert "Renamed, Rita" in amendments and "AB-8 (was AB-3)" in amendments
    assert "Departed, Dan" in deletions and "9 Church Lane" not in out
    assert re.search(r"AB-10\s+N\b", deletions)
    for secret in ("Anonymoustwig", "Hiddenella", "Hidden Row", "Shadowmoth", "Secretia"):
        assert secret not in out


def test_notice_with_empty_sections_says_none():
    additions = [{"kind": "add", "entry": entry(1)}]
    out = text(render([], kind="notice", title="Notice of alteration", alterations=additions))
    assert out.count("None.") == 2


def test_empty_register_still_renders():
    assert "No entries" in text(render([]))


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        register_pdf_data(entries=[], authority_name="x", title="x", kind="edited", as_at=AS_AT)


def test_same_input_gives_the_same_bytes():
    entries = [entry(n) for n in range(1, 30)]
    assert render(entries) == render(entries)


def test_elector_number_display():
    assert elector_number({"polling_district_code": "AB", "elector_number": 124, "elector_suffix": 0}) == "AB-124"
    assert elector_number({"polling_district_code": "AB", "elector_number": 124, "elector_suffix": 1}) == "AB-124/1"


def test_module_does_not_import_django():
    code = (
        f"import sys; sys.path.insert(0, {str(SRC)!r}); import ems.register.exporters.pdf; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.slow
def test_five_thousand_electors_render_within_ten_seconds():
    entries = [
        entry(n, f"Surname{n % 97}", "Firstname", property_id=n // 2, is_anonymous=n % 100 == 0) for n in range(1, 5001)
    ]
    start = time.perf_counter()
    pdf = render(entries)
    assert time.perf_counter() - start < 10
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 50


# Tokens no layout can produce by accident: capitals and digits only (no ligatures), a fixed prefix.
TOKEN = st.text(alphabet="BCDGHJKMPQRTVWXZ23456789", min_size=8, max_size=8).map(lambda s: "QX" + s)
ENTRY_FLAGS = st.tuples(TOKEN, TOKEN, TOKEN, st.booleans(), st.sampled_from(["", "", "overseas", "service", "crown"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ENTRY_FLAGS, min_size=1, max_size=30, unique_by=lambda t: (t[0], t[1], t[2])))
def test_no_anonymous_elector_detail_ever_reaches_the_page(rows):
    tokens = [t for row in rows for t in row[:3]]
    if len(set(tokens)) != len(tokens):  # a token shared by two electors proves nothing either way
        return
    entries = [
        entry(n, surname, first, address_1=street, is_anonymous=anonymous, special_category=category, property_id=n)
        for n, (surname, first, street, anonymous, category) in enumerate(rows, start=1)
    ]
    out = text(render(entries))
    for n, (surname, first, street, anonymous, category) in enumerate(rows, start=1):
        if anonymous:
            assert surname not in out and first not in out and street not in out
            assert re.search(rf"AB-{n}\s+N\b", out)
        else:
            assert surname in out and first in out
            assert (street in out) == (category in ("", "crown"))
