"""``ems spending-limit --election-type TYPE --poll-date YYYY-MM-DD --electorate N``.

Prints only a candidate's spending limit, such as ``£1,560.00``. The law, its sources and the
unconfirmed points are in ``ems_rules.spending``. Optional: ``--constituency-type``
(borough or county: UK and Scottish Parliament), ``--joint-candidates K`` (local councils),
``--nation`` (default ENG), ``--police-area`` (PCC), ``--contest`` (GLA: mayor, constituency,
london-wide; Scottish Parliament: constituency, vacancy) and ``--constituent-councils N``
(combined authority mayors). TYPE uses the names of ``ems timetable``. Bad input ends with one
``CommandError`` line on stderr and a non-zero exit; argument errors print one line too, not
argparse's usage text. No database is needed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ems_rules import spending
from ems_rules.fees import format_pounds
from ems_rules.franchise import Nation

WHOLE_NUMBER = re.compile(r"[0-9]+")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _whole(text: str | None, option: str, minimum: int) -> int | None:
    if text is None:
        return None
    if not WHOLE_NUMBER.fullmatch(text) or int(text) < minimum:
        raise CommandError(f"{option} must be a whole number of {minimum} or more, not {text!r}")
    return int(text)


class Command(BaseCommand):
    help = "A candidate's spending limit for one election, e.g. £1,560.00."
    requires_system_checks: list[str] = []  # a calculation: needs no database and no checks
    _called_from_command_line: bool | None

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Build the parser as if called from code, so an argument error raises CommandError (one
        # line on stderr via ems.cli) instead of printing argparse's usage text.
        from_command_line = self._called_from_command_line
        self._called_from_command_line = False
        try:
            return super().create_parser(prog_name, subcommand, **kwargs)
        finally:
            self._called_from_command_line = from_command_line

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--election-type", required=True, help=f"One of: {', '.join(spending.ELECTION_TYPES)}")
        parser.add_argument("--poll-date", required=True, help="Polling day, YYYY-MM-DD")
        parser.add_argument(
            "--electorate",
            required=True,
            help="Electors in the register on the last day for publication of the notice of election",
        )
        parser.add_argument("--constituency-type", help="borough (burgh) or county: UK and Scottish Parliament")
        parser.add_argument("--joint-candidates", help="Number of joint candidates (local councils; default 1)")
        parser.add_argument("--nation", default=Nation.ENGLAND.value, help="ENG, WLS, SCT or NIR (default: ENG)")
        parser.add_argument("--police-area", help="Police area, for PCC elections (e.g. 'Avon & Somerset')")
        parser.add_argument("--contest", help="GLA: mayor, constituency, london-wide; Scottish Parliament: vacancy")
        parser.add_argument("--constituent-councils", help="Number of constituent councils (combined authority mayor)")

    def handle(self, *args: Any, **options: Any) -> None:
        election_type = options["election_type"]
        if election_type not in spending.ELECTION_TYPES:
            raise CommandError(
                f"unknown election type {election_type!r}: choose one of {', '.join(spending.ELECTION_TYPES)}"
            )
        nation = options["nation"]
        if nation not in list(Nation):
            raise CommandError(f"unknown nation {nation!r}: choose one of {', '.join(n.value for n in Nation)}")
        constituency_type = options["constituency_type"]
        if constituency_type is not None and constituency_type not in ("borough", "burgh", "county"):
            raise CommandError(f"--constituency-type must be borough or county, not {constituency_type!r}")
        electorate = _whole(options["electorate"], "--electorate", 0)
        joint = _whole(options["joint_candidates"], "--joint-candidates", 1)
        councils = _whole(options["constituent_councils"], "--constituent-councils", 1)
        poll_date = self._date(options["poll_date"])
        assert electorate is not None  # required by the parser
        try:
            pence = spending.candidate_spending_limit_pence(
                election_type,
                poll_date,
                electorate,
                constituency_type=constituency_type,
                joint_candidates=joint or 1,
                nation=nation,
                police_area=options["police_area"],
                contest=options["contest"],
                constituent_councils=councils,
            )
        except (ValueError, TypeError, spending.NoLimitError) as exc:
            raise CommandError(str(exc).splitlines()[0]) from exc
        self.stdout.write(format_pounds(pence))

    @staticmethod
    def _date(text: str) -> dt.date:
        try:
            if not ISO_DATE.fullmatch(text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--poll-date must be a real date written YYYY-MM-DD, not {text!r}") from None
