"""``ems timetable --election-type TYPE --nation N --poll-date YYYY-MM-DD [--json] [--citations]``.

Prints the statutory timetable for one poll, computed by ``ems_rules.timetables`` (sources and
unconfirmed points are in its docstring). No database is needed.

With ``--json`` the output is one object (a stable contract)::

    {"election_type": "local", "nation": "ENG", "poll_date": "2026-05-07",
     "deadlines": {"close_of_nominations": "2026-04-09T16:00", "registration": "2026-04-20", ...},
     "ro_chooses": [{"key": ..., "label": ..., "earliest": "YYYY-MM-DD" | null, "latest": ..., "citation": ...}],
     "warnings": ["..."]}

A deadline value is ``YYYY-MM-DDTHH:MM`` where the law sets a time of day, else ``YYYY-MM-DD``.
A deadline that does not apply to the poll is left out. Without ``--json`` a readable table is
printed. Bad input ends with one ``CommandError`` line on stderr and a non-zero exit: an unknown
type or nation, a type not held in that nation, or a date that is not a real YYYY-MM-DD date.
A poll date on a dies non (or not a Thursday) is allowed, and flagged in ``warnings``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ems_rules import timetables
from ems_rules.franchise import Nation

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def as_json(table: timetables.Timetable) -> dict[str, Any]:
    return {
        "election_type": table.election_type.value,
        "nation": table.nation.value,
        "poll_date": table.poll_date.isoformat(),
        "deadlines": {key: deadline.iso() for key, deadline in table.deadlines.items()},
        "ro_chooses": [
            {
                "key": c.key,
                "label": c.label,
                "earliest": _iso(c.earliest),
                "latest": _iso(c.latest),
                "citation": c.citation,
            }
            for c in table.ro_chooses
        ],
        "warnings": list(table.warnings),
    }


def as_text(table: timetables.Timetable, *, citations: bool = False) -> str:
    name = timetables.ELECTION_TYPE_NAMES[table.election_type]
    title = f"{name[0].upper()}{name[1:]} ({table.election_type.value}), {table.nation.value}"
    lines = [f"{title}, poll {table.poll_date:%a %d %b %Y}", ""]
    lines.append(f"{'Date':<16} {'Time':<5}  {'Key':<44} Event")
    for d in table.deadlines.values():
        when = f"{d.time:%H:%M}" if d.time else ""
        lines.append(f"{d.day:%a %d %b %Y}  {when:<5}  {d.key:<44} {d.label}")
        if citations:
            lines.append(f"{'':<24}{d.citation}")
    if table.ro_chooses:
        lines += ["", "Dates the Returning Officer chooses:"]
        for c in table.ro_chooses:
            earliest = f"{c.earliest:%a %d %b %Y}" if c.earliest else "-"
            latest = f"{c.latest:%a %d %b %Y}" if c.latest else "-"
            lines.append(f"  {c.key:<32} {earliest} to {latest}  {c.label}")
            if citations:
                lines.append(f"  {'':<32} {c.citation}")
    if table.warnings:
        lines += ["", *(f"Warning: {w}" for w in table.warnings)]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Statutory timetable (every deadline, with its time) for one poll."
    requires_system_checks: list[str] = []  # a calculation: needs no database and no checks
    _called_from_command_line: bool | None

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Build the parser as if called from code, so an argument error raises CommandError
        # (one line on stderr via ems.cli) instead of printing argparse's usage text.
        from_command_line = self._called_from_command_line
        self._called_from_command_line = False
        try:
            return super().create_parser(prog_name, subcommand, **kwargs)
        finally:
            self._called_from_command_line = from_command_line

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--election-type", required=True, help=f"One of: {', '.join(t.value for t in timetables.ElectionType)}"
        )
        parser.add_argument("--nation", required=True, help=f"One of: {', '.join(n.value for n in Nation)}")
        parser.add_argument("--poll-date", required=True, help="Polling day, YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="Print one JSON object (the stable contract)")
        parser.add_argument("--citations", action="store_true", help="Show the citation under each row (table only)")

    def handle(self, *args: Any, **options: Any) -> None:
        poll_date = self._date(options["poll_date"])
        try:
            table = timetables.compute_timetable(options["election_type"], options["nation"], poll_date)
        except timetables.TimetableError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(as_json(table), ensure_ascii=False))
        else:
            self.stdout.write(as_text(table, citations=options["citations"]))

    @staticmethod
    def _date(text: str) -> dt.date:
        try:
            if not ISO_DATE.fullmatch(text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--poll-date must be a real date written YYYY-MM-DD, not {text!r}") from None
