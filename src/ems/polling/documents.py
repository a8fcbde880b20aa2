"""Print PDFs for polling: poll cards and polling station packs, typeset with typst (ADR 0016).

Layouts live in ``documents/*.typ``; this module builds the JSON they print. Like
``register.exporters.pdf`` it must not import Django: the benchmark (``bench/poll_cards_bench.py``)
renders cards without a database. All text reaches typst as one JSON document in
``sys.inputs`` and is shown as plain text, never parsed as markup.

Each card carries its elector number as a QR code (ISO/IEC 18004, drawn by ``segno`` as one SVG
path; alphanumeric mode, so "AB-124/1" fits version 1).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import segno
import typst

HERE = Path(__file__).resolve().parent / "documents"
POLL_CARDS = HERE / "poll_cards.typ"
STATION_PACK = HERE / "station_pack.typ"

# Polling hours: 7am to 10pm at UK Parliamentary and local government polls in Great Britain
# (PER r.1 timetable "hours of poll"; elections.md §2 close of poll 22:00). Unconfirmed for
# every other poll type: the card prints what ``hours`` says.
HOURS = "7am to 10pm"
PHOTO_ID = "Take photo ID to vote at your polling station. You do not need this card to vote."

FORMS = {
    "elector": ("Form A", "Official poll card"),
    "postal": ("Form A1", "Official postal poll card"),
    "proxy": ("Form B", "Official proxy poll card"),
    "postal_proxy": ("Form B1", "Official proxy postal poll card"),
}
_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def qr_svg(text: str) -> str:
    """A QR code of ``text`` as a small SVG (one path, 1 unit a module, no quiet zone drawn)."""
    data = text.upper() if set(text.upper()) <= _ALPHANUMERIC else text
    try:
        code = segno.make_qr(data, version=1, error="l", mode="alphanumeric" if data is not text else None,
                             boost_error=False, mask=0)  # fmt: skip
    except (segno.DataOverflowError, ValueError):
        code = segno.make_qr(data, error="m", boost_error=False)
    matrix = code.matrix
    size = len(matrix)
    parts: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    quiet = 2
    total = size + 2 * quiet
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-{quiet} -{quiet} {total} {total}" '
        f'width="{total}" height="{total}"><rect x="-{quiet}" y="-{quiet}" width="{total}" height="{total}" '
        f'fill="#fff"/><path d="{"".join(parts)}" fill="#000"/></svg>'
    )


def card_data(card: Mapping[str, Any], poll_date: dt.date) -> dict[str, Any]:
    """One card's printed fields from a card row (``poll_cards.CARD_FIELDS`` names)."""
    kind = str(card["card_type"])
    form, heading = FORMS[kind]
    station = [s for s in (card.get("station_name"), card.get("station_address"), card.get("station_postcode")) if s]
    if card.get("station_number"):
        station = [
            f"Station {card['station_number']}: {station[0]}" if station else str(card["station_number"]),
            *station[1:],
        ]
    postal = ""
    if kind in ("postal", "postal_proxy"):
        postal = "Your postal ballot pack will be sent to the address we hold for it. Do not go to a polling station."
    proxy_for = ""
    if kind in ("proxy", "postal_proxy"):
        proxy_for = f"You are the proxy of elector {card['elector_number']}"
    to_lines = [str(card.get(f"deliver_to_address_{i}") or "") for i in range(1, 7)]
    to_lines = [line for line in [*to_lines, str(card.get("deliver_to_postcode") or "")] if line]
    return {
        "form": form,
        "heading": heading,
        "day": long_date(poll_date),
        "hours": str(card.get("polling_hours") or HOURS),
        "to_name": str(card.get("deliver_to_name") or ""),
        "to_lines": to_lines,
        "number": str(card["elector_number"]),
        "proxy_for": proxy_for,
        "ballots": [b for b in str(card.get("ballots") or "").split(" | ") if b],
        "station": [] if kind in ("postal", "postal_proxy") else station,
        "postal": postal,
        "notice": PHOTO_ID
        if kind not in ("postal", "postal_proxy")
        else "Return your postal vote by 10pm on polling day.",
        "qr": qr_svg(str(card["elector_number"])),
    }


def render_poll_cards_pdf(
    cards: Sequence[Mapping[str, Any]], *, authority_name: str, title: str, poll_date: dt.date
) -> bytes:
    """A4 PDF, two cards a page, in the order given. Same input, same bytes."""
    data = {
        "authority": authority_name,
        "title": title,
        "cards": [card_data(card, poll_date) for card in cards],
    }
    return _compile(POLL_CARDS, data, poll_date)


def render_station_pack_pdf(data: Mapping[str, Any], *, day: dt.date) -> bytes:
    """One station's pack (``packs.pack_data`` builds ``data``)."""
    return _compile(STATION_PACK, data, day)


def _compile(template: Path, data: Mapping[str, Any], day: dt.date) -> bytes:
    pdf = typst.compile(
        template,
        format="pdf",
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        timestamp=dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC),
    )
    if not isinstance(pdf, bytes):  # pragma: no cover - typst returns bytes when no output path is given
        raise TypeError("typst did not return PDF bytes")
    return pdf
