"""The count's documents: the verification statement (PDF, Word, CSV), the declaration of result
(Word and PDF, through the elections app's notice — one template for every statutory notice,
which a council may replace) and the public results as CSV and JSON.

Every document is built from plain data read through ``selectors``. The results files hold only
what the declaration published: candidates, parties, votes, who was elected, rejected papers
by head, the electorate figure and turnout both ways. Never any elector data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import typst
from django.utils import timezone
from docx import Document

from ems.elections import notices
from ems.elections.models import Ballot, NoticeKind

from . import selectors
from .models import BoxKind, CountSession, RejectionHead

DOCUMENTS = Path(__file__).resolve().parent / "documents"
DOCX_CONTENT_TYPE = notices.DOCX_CONTENT_TYPE
CONTENT_TYPES = {"pdf": "application/pdf", "docx": DOCX_CONTENT_TYPE, "csv": "text/csv; charset=utf-8"}


# ---- verification statement ----------------------------------------------------------------------


def verification_data(session: CountSession) -> dict[str, Any]:
    """The statement as plain data: the snapshot when finalised, else the boxes as they stand."""
    ballot = session.ballot
    if session.verification_finalised_at is not None:
        snap = session.verification_totals
    else:
        snap = selectors.statement_snapshot(selectors.verification_statement(session))
    rows = [
        {
            "label": b["label"],
            "source": b["station"] or ("Postal votes" if b["kind"] == BoxKind.POSTAL else ""),
            "bpa": b["bpa"],
            "counted": b["counted"],
            "variance": b["variance"],
            "explanation": "; ".join(x for x in (b["explanation"], b["resolution"]) if x),
        }
        for b in snap["boxes"]
    ]
    totals = [
        {"label": "Polling station boxes", **snap["station"]},
        {"label": "Postal votes boxes", **snap["postal"]},
        {"label": "Total", **snap["total"]},
    ]
    finalised = session.verification_finalised_at
    return {
        "authority": ballot.authority.name,
        "title": f"Verification statement: {ballot.group.name}, {ballot.title}",
        "election": ballot.group.name,
        "ballot": ballot.title,
        "rows": rows,
        "totals": totals,
        "draft": finalised is None,
        "finalised": timezone.localtime(finalised).strftime("%d %B %Y at %H:%M") if finalised else "",
    }


def verification_csv(session: CountSession) -> bytes:
    data = verification_data(session)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["box", "source", "bpa_issued", "papers_counted", "variance", "explanation"])
    for r in data["rows"]:
        writer.writerow(
            [r["label"], r["source"], r["bpa"], _blank(r["counted"]), _blank(r["variance"]), r["explanation"]]
        )
    for t in data["totals"]:
        writer.writerow([t["label"], f"{t['boxes']} boxes", t["bpa"], t["counted"], t["variance"], ""])
    return out.getvalue().encode("utf-8")


def _blank(value: Any) -> Any:
    return "" if value is None else value


def verification_docx(session: CountSession) -> bytes:
    data = verification_data(session)
    document = Document()
    document.add_heading(data["authority"], level=1)
    if data["draft"]:
        document.add_paragraph("DRAFT – not yet finalised")
    document.add_heading("Verification statement", level=2)
    document.add_paragraph(f"{data['election']}: {data['ballot']}")
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        ("Box", "Polling station / source", "BPA", "Counted", "Variance", "Explanation"),
        strict=True,
    ):
        cell.text = text
    for r in data["rows"]:
        cells = table.add_row().cells
        for cell, value in zip(
            cells, (r["label"], r["source"], r["bpa"], r["counted"], r["variance"], r["explanation"]), strict=True
        ):
            cell.text = "" if value is None else str(value)
    document.add_paragraph("")
    totals = document.add_table(rows=1, cols=5)
    totals.style = "Table Grid"
    for cell, text in zip(totals.rows[0].cells, ("", "Boxes", "BPA", "Counted", "Variance"), strict=True):
        cell.text = text
    for t in data["totals"]:
        cells = totals.add_row().cells
        for cell, value in zip(cells, (t["label"], t["boxes"], t["bpa"], t["counted"], t["variance"]), strict=True):
            cell.text = str(value)
    if data["finalised"]:
        document.add_paragraph(f"Finalised {data['finalised']}.")
    document.add_paragraph("Returning Officer")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def verification_pdf(session: CountSession) -> bytes:
    return _typst(DOCUMENTS / "verification.typ", verification_data(session))


def _typst(template: Path, data: dict[str, Any]) -> bytes:
    today = timezone.localdate()
    pdf = typst.compile(
        template,
        format="pdf",
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
        timestamp=dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC),
    )
    if not isinstance(pdf, bytes):  # pragma: no cover - typst returns bytes when no output path is given
        raise TypeError("typst did not return PDF bytes")
    return pdf


VERIFICATION = {"csv": verification_csv, "docx": verification_docx, "pdf": verification_pdf}


# ---- declaration of result ----------------------------------------------------------------------


def declaration_context(ballot: Ballot, session: CountSession, language: str = "en") -> dict[str, Any]:
    """The elections app's declaration-of-result context, filled with the count's figures."""
    return notices.declaration_of_result_context(ballot, selectors.declaration_figures(session), language=language)


def declaration(ballot: Ballot, session: CountSession, fmt: str, language: str = "en") -> bytes:
    context = declaration_context(ballot, session, language)
    if fmt == "pdf":
        return notices.render_pdf(NoticeKind.DECLARATION_OF_RESULT, context)
    return notices.render_docx(NoticeKind.DECLARATION_OF_RESULT, context, authority_id=ballot.authority_id)


def declaration_filename(ballot: Ballot, fmt: str) -> str:
    return notices.filename(NoticeKind.DECLARATION_OF_RESULT, ballot.dc_ballot_id, fmt)


# ---- public results ------------------------------------------------------------------------------

RESULT_COLUMNS = [
    "election_id",
    "ballot_paper_id",
    "election_date",
    "ballot",
    "seats",
    "candidate",
    "party",
    "votes",
    "elected",
    *[f"rejected_{head}" for head in RejectionHead.values],
    "rejected_total",
    "ballot_papers",
    "valid_papers",
    "electorate",
    "turnout_ballot_papers_percent",
    "turnout_valid_percent",
    "kind",
    "list_position",
    "seats_won",
    "majority",
]


def results_csv(results: list[dict[str, Any]]) -> bytes:
    """One row per candidate; the ballot's figures repeat on each of its rows. A referendum has
    a row per answer (``kind`` answer, ``majority`` yes for the answer carried); a closed-list
    ballot a row per party list or individual candidate with its seats won (``kind`` list or
    individual), then a row per list candidate with the list position (``kind`` candidate)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=RESULT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for result in results:
        common = {
            "election_id": result["election_id"],
            "ballot_paper_id": result["ballot_paper_id"],
            "election_date": result["election_date"],
            "ballot": result["ballot"],
            "seats": result["seats"],
            "rejected_total": result["rejected_total"],
            "ballot_papers": result["ballot_papers"],
            "valid_papers": result["valid_papers"],
            "electorate": result["electorate"],
            "turnout_ballot_papers_percent": result["turnout_ballot_papers_percent"],
            "turnout_valid_percent": result["turnout_valid_percent"],
            **{f"rejected_{head}": count for head, count in result["rejected"].items()},
        }
        for answer in result.get("answers", []):
            writer.writerow(
                {
                    **common,
                    "kind": "answer",
                    "candidate": answer["answer"],
                    "votes": answer["votes"],
                    "majority": "yes" if answer["answer"] == result["majority_answer"] else "no",
                }
            )
        for option in result.get("lists", []):
            writer.writerow(
                {
                    **common,
                    "kind": option["kind"],
                    "candidate": option["name"],
                    "party": option["name"] if option["kind"] == "list" else "",
                    "votes": _blank(option["votes"]),
                    "seats_won": option["seats"],
                }
            )
        for candidate in result["candidates"]:
            listed = "lists" in result and candidate.get("list_position") is not None
            writer.writerow(
                {
                    **common,
                    "kind": "candidate",
                    "candidate": candidate["name"],
                    "party": candidate["party"],
                    "votes": "" if listed else _blank(candidate["votes"]),
                    "elected": "yes" if candidate["elected"] else "no",
                    "list_position": _blank(candidate.get("list_position")),
                }
            )
    return out.getvalue().encode("utf-8")


def results_json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
