"""Statutory notices: Word documents (docxtpl) that open with python-docx and hold the candidates,
a council's own template replacing the default, and PDFs typeset by typst."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from elections_helpers import nominate

from ems.audit.models import AuditEvent
from ems.elections import notices
from ems.elections import services as elections
from ems.elections.models import Ballot, NoticeKind
from ems.elections.services import SubscriberEntry

pytestmark = pytest.mark.django_db


def _text(docx_bytes: bytes) -> str:
    document = Document(io.BytesIO(docx_bytes))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture
def contested(poll, clock):
    n = poll.numbers
    nominate(poll.north, "Zebedee", "Zak", n["alice"], n["bob"], affiliation="independent", description="Independent")
    nominate(poll.north, "Aardvark", "Amy <& Co>", n["carol"], n["dan"])
    clock.move_to(poll.close() + dt.timedelta(minutes=1))
    elections.nominations_close(acting_user=None, ballot=poll.north)
    for candidate in poll.north.candidates.all():
        for paper in candidate.papers.all():
            elections.validity_decide(acting_user=None, paper=paper, valid=True)
    elections.sopn_publish(acting_user=None, ballot=poll.north)
    return Ballot.objects.get(pk=poll.north.pk)


def test_every_default_template_is_a_real_word_file():
    for kind in NoticeKind.values:
        document = Document(str(notices.default_template_path(kind)))
        assert "{{ authority }}" in "\n".join(p.text for p in document.paragraphs)


def test_sopn_docx_lists_candidates_alphabetically(contested):
    context = notices.sopn_context(contested)
    text = _text(notices.render_docx(NoticeKind.SOPN, context, authority_id=contested.authority_id))
    assert "STATEMENT OF PERSONS NOMINATED" in text
    assert text.index("AARDVARK") < text.index("ZEBEDEE")
    assert "Amy <& Co>" in text  # escaped into the XML, read back as text
    assert "A poll will be held" in text and "DRAFT" not in text


def test_notice_of_poll_lists_candidates_and_polling_stations(contested):
    text = _text(notices.render_docx(NoticeKind.NOTICE_OF_POLL, notices.notice_of_poll_context(contested)))
    assert "AARDVARK" in text and "ZEBEDEE" in text
    assert "North Village Hall, 1 Hall Lane, NN1 1AA" in text and "NA North A" in text


def test_notice_of_election_and_agents(poll):
    text = _text(notices.render_docx(NoticeKind.NOTICE_OF_ELECTION, notices.notice_of_election_context(poll.group)))
    assert "NOTICE OF ELECTION" in text and "North" in text and "South" in text
    assert "Thursday 6 May 2027" in text and "4pm on" in text
    candidate = nominate(poll.north, "Agentless", "Al", poll.numbers["alice"], poll.numbers["bob"])
    elections.election_agent_appoint(acting_user=None, candidate=candidate, name="Pat Agent", address="2 Lane")
    text = _text(notices.render_docx(NoticeKind.ELECTION_AGENTS, notices.election_agents_context(poll.group)))
    assert "AGENTLESS, Al" in text and "Pat Agent" in text and "2 Lane" in text


def test_declaration_of_result_from_plain_figures(contested):
    figures = {
        "candidates": [
            {"name": "AARDVARK, Amy", "description": "", "votes": 1234, "elected": True},
            {"name": "ZEBEDEE, Zak", "description": "Independent", "votes": 987, "elected": False},
        ],
        "rejected": {"Unmarked or void for uncertainty": 4},
        "electorate": 5000,
        "turnout": "44.5%",
    }
    context = notices.declaration_of_result_context(contested, figures)
    text = _text(notices.render_docx(NoticeKind.DECLARATION_OF_RESULT, context))
    assert "1,234" in text and "987" in text and "Unmarked or void for uncertainty: 4" in text
    assert "AARDVARK, Amy" in text
    pdf = notices.render_pdf(NoticeKind.DECLARATION_OF_RESULT, context)
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize("kind", NoticeKind.values)
def test_every_notice_renders_as_pdf(kind, contested, poll):
    if kind in notices.GROUP_NOTICES:
        context = notices.GROUP_NOTICES[kind](poll.group)
    else:
        context = notices.BALLOT_NOTICES[kind](contested)
    pdf = notices.render_pdf(kind, context)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_welsh_language_option_reaches_the_context(poll):
    context = notices.notice_of_election_context(poll.group, language="cy")
    assert context["language"] == "cy"
    assert context["poll_date"] == "Dydd Iau 6 Mai 2027"
    assert notices.render_pdf(NoticeKind.NOTICE_OF_ELECTION, context).startswith(b"%PDF")


def test_council_template_replaces_the_default_and_bad_ones_are_refused(poll):
    from docx import Document as NewDocument

    own = NewDocument()
    own.add_paragraph("OUR OWN NOTICE for {{ election }}")
    buffer = io.BytesIO()
    own.save(buffer)
    elections.notice_template_upload(
        acting_user=None, authority=poll.authority, kind=NoticeKind.NOTICE_OF_ELECTION, language="en",
        filename="ours.docx", content=buffer.getvalue(),
    )  # fmt: skip
    context = notices.notice_of_election_context(poll.group)
    text = _text(notices.render_docx(NoticeKind.NOTICE_OF_ELECTION, context, authority_id=poll.authority.pk))
    assert text.startswith("OUR OWN NOTICE for Local council elections")
    assert AuditEvent.objects.filter(action="elections.notice_template.upload").exists()

    with pytest.raises(ValidationError, match="Word document"):
        elections.notice_template_upload(
            acting_user=None, authority=poll.authority, kind="sopn", language="en", filename="x.docx",
            content=b"not a zip",
        )  # fmt: skip
    broken = NewDocument()
    broken.add_paragraph("{% for x in %}")
    buffer = io.BytesIO()
    broken.save(buffer)
    with pytest.raises(ValidationError, match="could not be filled in"):
        elections.notice_template_upload(
            acting_user=None, authority=poll.authority, kind="sopn", language="en", filename="x.docx",
            content=buffer.getvalue(),
        )  # fmt: skip


def test_subscriber_entry_type_is_plain():
    assert SubscriberEntry("AB-1").name == ""


def test_uploaded_template_cannot_reach_python_internals(poll):
    from docx import Document as NewDocument

    evil = NewDocument()
    evil.add_paragraph("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    buffer = io.BytesIO()
    evil.save(buffer)
    with pytest.raises(ValidationError, match="could not be filled in"):
        elections.notice_template_upload(
            acting_user=None, authority=poll.authority, kind="sopn", language="en", filename="evil.docx",
            content=buffer.getvalue(),
        )  # fmt: skip
