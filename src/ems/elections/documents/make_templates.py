"""Write the default Word templates for the statutory notices (run it after changing this file).

    .venv/bin/python src/ems/elections/documents/make_templates.py

Each template is a real .docx made with python-docx, holding docxtpl (Jinja) tags: ``{{ x }}``
for a value, ``{%p if x %}`` / ``{%p for r in rows %}`` paragraphs and ``{%tr for r in rows %}``
table rows (ADR 0020). Fixed wording comes from the context's ``t`` (translated), so the same
template serves English and Welsh. A council replaces a template by uploading its own copy on
the "Notice templates" page; the fields each notice offers are listed in ``notices.py``.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

HERE = Path(__file__).resolve().parent


def _new() -> DocxDocument:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    document.core_properties.author = "EMS"
    document.core_properties.title = "Statutory notice"
    return document


def _para(
    document: DocxDocument, text: str, *, bold: bool = False, size: int | None = None, centre: bool = False
) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)  # one run per paragraph keeps every Jinja tag whole
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _head(document: DocxDocument, heading: str) -> None:
    _para(document, "{{ authority }}", bold=True, size=14, centre=True)
    _para(document, "{%p if draft %}")
    _para(document, "{{ t.draft }}", bold=True, centre=True)
    _para(document, "{%p endif %}")
    _para(document, "{{ t." + heading + " }}", bold=True, size=16, centre=True)
    _para(document, "{{ election }}", bold=True, centre=True)


def _table(document: DocxDocument, headers: list[str], loop: str, cells: list[str]) -> None:
    """A header row, then one row per item: ``{%tr for … %}`` / the cells / ``{%tr endfor %}``."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, header in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = ""
        cell.paragraphs[0].add_run(header).bold = True
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for i, text in enumerate(cells):
        table.rows[2].cells[i].text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


def _sign(document: DocxDocument) -> None:
    _para(document, "")
    _para(document, "{{ t.dated }} {{ dated }}")
    _para(document, "{{ t.returning_officer }}", bold=True)


def notice_of_election() -> DocxDocument:
    d = _new()
    _head(d, "notice_of_election")
    _para(d, "{{ t.noe_intro }}")
    _table(d, ["{{ t.area }}", "{{ t.seats }}"], "b in ballots", ["{{ b.title }}", "{{ b.seats }}"])
    _para(d, "")
    _para(d, "{{ t.noe_nominations }} {{ close_of_nominations }}.")
    _para(d, "{{ t.noe_subscribers }} {{ subscribers }}.")
    for field, words in (
        ("deposit", "noe_deposit"),
        ("withdrawals", "noe_withdrawals"),
        ("agents_deadline", "noe_agents"),
    ):
        _para(d, "{%p if " + field + " %}")
        _para(d, "{{ t." + words + " }} {{ " + field + " }}.")
        _para(d, "{%p endif %}")
    _para(d, "{{ t.noe_contested }} {{ poll_date }}.", bold=True)
    for field, words in (("registration", "noe_registration"), ("postal", "noe_postal"), ("proxy", "noe_proxy")):
        _para(d, "{%p if " + field + " %}")
        _para(d, "{{ t." + words + " }} {{ " + field + " }}.")
        _para(d, "{%p endif %}")
    _sign(d)
    return d


def sopn() -> DocxDocument:
    d = _new()
    _head(d, "sopn")
    _para(d, "{{ t.sopn_intro }} {{ ballot }} ({{ t.seats }}: {{ seats }}).")
    _para(d, "{{ t.standing }}", bold=True)
    _table(
        d,
        ["{{ t.surname }}", "{{ t.other_names }}", "{{ t.address }}", "{{ t.description }}", "{{ t.subscribers }}"],
        "c in standing",
        [
            "{{ c.surname }}",
            "{{ c.other_names }}",
            "{{ c.address }}",
            "{{ c.description }}",
            "{{ c.subscriber_names }}",
        ],
    )
    _para(d, "{%p if not_standing %}")
    _para(d, "{{ t.not_standing }}", bold=True)
    _table(
        d,
        ["{{ t.surname }}", "{{ t.other_names }}", "{{ t.address }}", "{{ t.description }}", "{{ t.reason }}"],
        "c in not_standing",
        ["{{ c.surname }}", "{{ c.other_names }}", "{{ c.address }}", "{{ c.description }}", "{{ c.reason }}"],
    )
    _para(d, "{%p endif %}")
    _para(d, "")
    _para(d, "{%p if uncontested %}")
    _para(d, "{{ t.uncontested }}", bold=True)
    _para(d, "{%p else %}")
    _para(d, "{{ t.poll_held }} {{ poll_date }}.", bold=True)
    _para(d, "{%p endif %}")
    _sign(d)
    return d


def notice_of_poll() -> DocxDocument:
    d = _new()
    _head(d, "notice_of_poll")
    _para(d, "{{ t.nop_intro }} {{ ballot }} ({{ t.seats }}: {{ seats }}).")
    _para(d, "{{ poll_date }}, {{ t.nop_hours }}: {{ hours }}", bold=True)
    _para(d, "{{ t.nop_candidates }}")
    _table(
        d,
        ["{{ t.surname }}", "{{ t.other_names }}", "{{ t.address }}", "{{ t.description }}", "{{ t.subscribers }}"],
        "c in candidates",
        [
            "{{ c.surname }}",
            "{{ c.other_names }}",
            "{{ c.address }}",
            "{{ c.description }}",
            "{{ c.subscriber_names }}",
        ],
    )
    _para(d, "")
    _table(
        d,
        ["{{ t.station_number }}", "{{ t.situation }}", "{{ t.district }}"],
        "s in stations",
        ["{{ s.number }}", "{{ s.situation }}", "{{ s.district }} {{ s.district_name }}"],
    )
    _sign(d)
    return d


def election_agents() -> DocxDocument:
    d = _new()
    _head(d, "election_agents")
    _para(d, "{{ t.agents_intro }}")
    _table(
        d,
        ["{{ t.candidate }}", "{{ t.area }}", "{{ t.agent }}", "{{ t.office }}"],
        "a in agents",
        ["{{ a.candidate }}", "{{ a.ballot }}", "{{ a.agent }}", "{{ a.office }}"],
    )
    _sign(d)
    return d


def declaration_of_result() -> DocxDocument:
    d = _new()
    _head(d, "declaration")
    _para(d, "{{ ballot }} ({{ t.seats }}: {{ seats }}), {{ poll_date }}", bold=True)
    _para(d, "{%p if uncontested %}")
    _para(d, "{{ t.dec_uncontested }}")
    _para(d, "{%p else %}")
    _para(d, "{{ t.dec_intro }}")
    _table(
        d,
        ["{{ t.candidate }}", "{{ t.description }}", "{{ t.votes }}", ""],
        "c in candidates",
        ["{{ c.name }}", "{{ c.description }}", "{{ c.votes }}", "{% if c.elected %}{{ t.elected }}{% endif %}"],
    )
    _para(d, "")
    _para(d, "{{ t.rejected }}: {{ rejected_total }}", bold=True)
    _para(d, "{%p for r in rejected %}")
    _para(d, "{{ r.head }}: {{ r.count }}")
    _para(d, "{%p endfor %}")
    _para(d, "{%p if electorate %}")
    _para(d, "{{ t.electorate }}: {{ electorate }}. {{ t.turnout }}: {{ turnout }}")
    _para(d, "{%p endif %}")
    _para(d, "{{ t.dec_elected }}")
    _para(d, "{%p endif %}")
    _para(d, "{%p for name in elected %}")
    _para(d, "{{ name }}", bold=True)
    _para(d, "{%p endfor %}")
    _sign(d)
    return d


TEMPLATES = {
    "notice-of-election": notice_of_election,
    "sopn": sopn,
    "notice-of-poll": notice_of_poll,
    "election-agents": election_agents,
    "declaration-of-result": declaration_of_result,
}


def main() -> None:
    for kind, build in TEMPLATES.items():
        path = HERE / f"{kind}.docx"
        build().save(str(path))
        print(path)


if __name__ == "__main__":
    main()
