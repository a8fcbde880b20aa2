"""``ems count``: run an exact count from a file and print the result.

    ems count --system stv-scotland --ballots WARD.blt [--seed N] [--json]
    ems count --system stv-ni       --ballots WARD.blt [--seed N] [--json]
    ems count --system fptp   --votes FILE.csv [--seats N] [--ballot-papers N] [--seed N] [--json]
    ems count --system sv     --votes FILE.csv [--seed N] [--json]
    ems count --system dhondt --votes FILE.csv --seats N [--seed N] [--json]
    ems count --system ams    --votes FILE.csv --seats N [--threshold PCT] [--total-votes N] [--seed N] [--json]

Input files (UTF-8 CSV with a header row; extra columns are ignored):

- STV: a BLT preference profile (``ems_rules.count.blt``).
- ``fptp``: ``candidate,party,votes`` (``--seats`` defaults to 1).
- ``sv``: either ``candidate,party,first,second`` — first preferences, and the second
  preferences counted for that candidate from papers whose first preference was for a
  candidate not in the top two (the figures London Elects and returning officers publish) —
  or ``first,second,votes`` — ballot papers grouped by first and second preference (second
  empty for none).
- ``dhondt``: ``party,votes`` with an optional ``list_size`` column.
- ``ams``: ``party,votes,constituency_seats`` (list votes and constituency seats won), with
  ``--seats`` the number of list seats and ``--threshold`` e.g. 5 for the London Assembly.

``--json`` prints one JSON object with at least ``elected`` (in order of election) and
``tie_breaks`` (STV adds ``quota`` and ``stages``, each with ``stage``, ``action`` and
``totals``; values are strings with the rules' decimal places). ``--seed`` is the recorded
seed for any tie decided by lot; without it such a tie stops the count with one line naming
it. Bad input ends with one ``CommandError`` line and a non-zero exit. No database is used.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ems_rules.count import (
    CountInputError,
    allocate_ams,
    allocate_dhondt,
    count_fptp,
    count_stv_ni,
    count_stv_scotland,
    count_sv,
    count_sv_papers,
    read_blt,
)
from ems_rules.count.types import ListResult, PluralityResult, StvResult, SupplementaryVoteResult

SYSTEMS = ["stv-scotland", "stv-ni", "fptp", "sv", "dhondt", "ams"]
WHOLE_NUMBER = re.compile(r"[0-9]+")
SIGNED_NUMBER = re.compile(r"-?[0-9]+")

Result = StvResult | PluralityResult | SupplementaryVoteResult | ListResult


def _whole(text: str | None, what: str, *, minimum: int = 0) -> int | None:
    if text is None:
        return None
    if not SIGNED_NUMBER.fullmatch(text) or int(text) < minimum:
        raise CommandError(f"{what} must be a whole number of {minimum} or more, not {text!r}")
    return int(text)


class CsvTable:
    """A small CSV reader: header names, rows with line numbers, one-line errors."""

    def __init__(self, path: str) -> None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text") from None
        reader = csv.reader(io.StringIO(text))
        try:
            rows = [(reader.line_num, row) for row in reader]
        except csv.Error as exc:
            raise CommandError(f"{path}: line {reader.line_num}: {exc}") from None
        rows = [(n, row) for n, row in rows if any(cell.strip() for cell in row)]
        if not rows:
            raise CommandError(f"{path} is empty")
        self.path = path
        self.header = [cell.strip().lower() for cell in rows[0][1]]
        self.rows = rows[1:]
        if not self.rows:
            raise CommandError(f"{path} has a header but no rows")

    def has(self, *columns: str) -> bool:
        return all(c in self.header for c in columns)

    def require(self, *columns: str) -> None:
        missing = [c for c in columns if c not in self.header]
        if missing:
            raise CommandError(
                f"{self.path}: line 1: header must have the column(s) {', '.join(columns)}; "
                f"missing {', '.join(missing)}"
            )

    def cell(self, line: int, row: list[str], column: str) -> str:
        index = self.header.index(column)
        return row[index].strip() if index < len(row) else ""

    def text(self, line: int, row: list[str], column: str) -> str:
        value = self.cell(line, row, column)
        if not value:
            raise CommandError(f"{self.path}: line {line}: {column} is empty")
        return value

    def number(self, line: int, row: list[str], column: str) -> int:
        value = self.cell(line, row, column)
        if not WHOLE_NUMBER.fullmatch(value):
            raise CommandError(f"{self.path}: line {line}: {column} must be a whole number of 0 or more, not {value!r}")
        return int(value)

    def keyed(self, key: str, value: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for line, row in self.rows:
            name = self.text(line, row, key)
            if name in out:
                raise CommandError(f"{self.path}: line {line}: {key} {name!r} appears twice")
            out[name] = self.number(line, row, value)
        return out


class Command(BaseCommand):
    help = "Run an exact count (STV, FPTP, supplementary vote, D'Hondt, AMS) from a file and print the result."
    requires_system_checks: list[str] = []  # a calculation: needs no database and no checks
    _called_from_command_line: bool | None

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # As in ``ems fees``: argument errors become one CommandError line, not argparse usage.
        from_command_line = self._called_from_command_line
        self._called_from_command_line = False
        try:
            return super().create_parser(prog_name, subcommand, **kwargs)
        finally:
            self._called_from_command_line = from_command_line

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--system", required=True, help=f"One of: {', '.join(SYSTEMS)}")
        parser.add_argument("--ballots", help="BLT file (STV systems)")
        parser.add_argument("--votes", help="CSV file (fptp, sv, dhondt, ams)")
        parser.add_argument("--seats", help="Seats to fill (fptp: default 1; dhondt, ams: required)")
        parser.add_argument("--ballot-papers", help="fptp: valid ballot papers, to check votes <= papers x seats")
        parser.add_argument("--threshold", help="ams: list threshold in percent, e.g. 5")
        parser.add_argument("--total-votes", help="ams: total valid list votes, if the CSV omits small parties")
        parser.add_argument("--seed", help="Recorded integer seed for ties decided by lot")
        parser.add_argument("--json", action="store_true", help="Print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        system = options["system"]
        if system not in SYSTEMS:
            raise CommandError(f"unknown system {system!r}: choose one of {', '.join(SYSTEMS)}")
        seed = _whole(options["seed"], "--seed", minimum=0)
        try:
            result = self._count(system, options, seed)
        except CountInputError as exc:
            raise CommandError(str(exc)) from None
        payload = result.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_text(result))

    def _count(self, system: str, options: dict[str, Any], seed: int | None) -> Result:
        if system.startswith("stv"):
            if not options["ballots"]:
                raise CommandError(f"--system {system} needs --ballots FILE.blt")
            election = read_blt(options["ballots"])
            return (
                count_stv_scotland(election, seed=seed)
                if system == "stv-scotland"
                else count_stv_ni(election, seed=seed)
            )
        if not options["votes"]:
            raise CommandError(f"--system {system} needs --votes FILE.csv")
        table = CsvTable(options["votes"])
        if system == "fptp":
            table.require("candidate", "votes")
            seats = _whole(options["seats"], "--seats", minimum=1) or 1
            papers = _whole(options["ballot_papers"], "--ballot-papers")
            return count_fptp(table.keyed("candidate", "votes"), seats, ballot_papers=papers, seed=seed)
        if system == "sv":
            if options["seats"] not in (None, "1"):
                raise CommandError(
                    f"the supplementary vote elects one candidate; --seats must be 1, not {options['seats']!r}"
                )
            if table.has("candidate", "first", "second"):
                return count_sv(table.keyed("candidate", "first"), table.keyed("candidate", "second"), seed=seed)
            if table.has("first", "second", "votes"):
                papers_rows = [
                    (table.text(n, row, "first"), table.cell(n, row, "second") or None, table.number(n, row, "votes"))
                    for n, row in table.rows
                ]
                names = list(dict.fromkeys([p[0] for p in papers_rows] + [p[1] for p in papers_rows if p[1]]))
                return count_sv_papers(names, papers_rows, seed=seed)
            raise CommandError(
                f"{table.path}: line 1: header must be candidate,party,first,second or first,second,votes"
            )
        seats_text = options["seats"]
        if seats_text is None:
            raise CommandError(f"--system {system} needs --seats N")
        seats = _whole(seats_text, "--seats", minimum=1) or 1
        table.require("party", "votes")
        votes = table.keyed("party", "votes")
        if system == "dhondt":
            sizes = table.keyed("party", "list_size") if table.has("list_size") else None
            return allocate_dhondt(votes, seats, list_sizes=sizes, seed=seed)
        held = table.keyed("party", "constituency_seats") if table.has("constituency_seats") else {}
        threshold = None
        if options["threshold"] is not None:
            try:
                threshold = Decimal(options["threshold"])
            except InvalidOperation:
                threshold = None
            if threshold is None or not threshold.is_finite() or not 0 <= threshold <= 100:
                raise CommandError(f"--threshold must be a percentage from 0 to 100, not {options['threshold']!r}")
        total = _whole(options["total_votes"], "--total-votes")
        return allocate_ams(votes, held, seats, threshold_percent=threshold, total_valid_votes=total, seed=seed)


def _text(result: Result) -> str:
    """A plain summary for a terminal."""
    lines: list[str] = []
    if isinstance(result, StvResult):
        lines.append(f"{result.title} — {result.system}, {result.seats} seat(s)")
        lines.append(f"Valid votes {result.valid_votes}, quota {result.quota}")
        for stage in result.stages:
            elected = f"  elected: {', '.join(stage.elected)}" if stage.elected else ""
            lines.append(f"Stage {stage.stage}: {stage.action}{elected}")
        lines.append("Elected: " + ", ".join(result.elected))
    elif isinstance(result, PluralityResult):
        for name, votes in sorted(result.totals.items(), key=lambda kv: -kv[1]):
            mark = "  elected" if name in result.elected else ""
            lines.append(f"{votes:>10}  {name}{mark}")
    elif isinstance(result, SupplementaryVoteResult):
        for name, votes in result.first.items():
            final = f"  final {result.final[name]}" if name in result.final else ""
            lines.append(f"{votes:>10}  {name}{final}")
        lines.append(f"Elected: {result.elected}")
    else:
        for party, won in result.seats_won.items():
            lines.append(f"{result.votes[party]:>10}  {party}: {won} seat(s)")
        lines.append("Order: " + ", ".join(result.elected))
    for tie in result.tie_breaks:
        lines.append(f"Tie ({tie.purpose}, stage {tie.stage}) decided by {tie.method}: {tie.outcome}")
    return "\n".join(lines)
