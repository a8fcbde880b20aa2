"""The count's documents: the declaration of result (Word through the elections notice, and PDF)
and the verification statement (Word, PDF, CSV)."""

from __future__ import annotations

import io

import pytest
from counting_helpers import declare
from docx import Document

from ems.counting import documents
from ems.counting.models import CountSession

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_declaration_opens_in_word_with_the_figures(contest):
    declare(contest, {"Adams": 900, "Brown": 700, "Clark": 80}, rejected={"no_official_mark": 4}, electorate=3000)
    contest.ballot.refresh_from_db()
    session = CountSession.objects.get(ballot=contest.ballot)
    text = _text(documents.declaration(contest.ballot, session, "docx"))
    for expected in (
        "DECLARATION OF RESULT",
        "ADAMS, Alex",
        "900",
        "BROWN, Alex",
        "700",
        "Want of an official mark",
        "3,000",
        "56.13%",
        "56.00%",
    ):
        assert expected in text, expected
    assert "DRAFT" not in text
    pdf = documents.declaration(contest.ballot, session, "pdf")
    assert pdf.startswith(b"%PDF")


def test_a_declaration_before_the_result_is_a_draft(contest):
    from ems.counting import services

    box = services.ballot_box_add(acting_user=None, ballot=contest.ballot, label="1", bpa_issued=10)
    session = CountSession.objects.get(pk=box.session_id)
    assert "DRAFT" in _text(documents.declaration(contest.ballot, session, "docx"))


def test_the_verification_statement_in_three_formats(contest):
    declare(contest, {"Adams": 90, "Brown": 70, "Clark": 20})
    session = CountSession.objects.get(ballot=contest.ballot)
    text = _text(documents.verification_docx(session))
    assert "Verification statement" in text and "Postal votes" in text and "Total" in text
    assert documents.verification_pdf(session).startswith(b"%PDF")
    rows = documents.verification_csv(session).decode().splitlines()
    assert rows[1].startswith("1,") and rows[2].startswith("PV1,Postal votes,20,20,0")
    assert rows[-1] == "Total,2 boxes,180,180,0,"
