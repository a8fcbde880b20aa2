"""``ems fees register-sale --document D --form F --entries N [--date YYYY-MM-DD] [--nation N]``.

Prints only the prescribed fee for one copy, such as ``£1,234.50``. The law is in
``ems_rules.fees``, with sources and unconfirmed points in its docstring. The date defaults to
today in Europe/London, and the nation to England. Bad input ends with one ``CommandError``
line on stderr and a non-zero exit. Bad input means an unknown document or form, entries that
are not a whole number of zero or more, a bad date, or a nation or date with no recorded fee.
Argument errors print one line too, not argparse's usage text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ems_rules import fees
from ems_rules.franchise import Nation

WHOLE_NUMBER = re.compile(r"[0-9]+")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _choice(value: str, allowed: list[str], what: str) -> str:
    if value not in allowed:
        raise CommandError(f"unknown {what} {value!r}: choose one of {', '.join(allowed)}")
    return value


class Command(BaseCommand):
    help = "Prescribed fees. 'register-sale' prints the fee for one copy of a register, list or notice."
    requires_system_checks: list[str] = []  # a calculation: needs no database and no checks
    _called_from_command_line: bool | None

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Build the parser (and its subparsers) as if called from code. Then an argument error
        # raises CommandError, one line on stderr via ems.cli, instead of argparse's usage text.
        from_command_line = self._called_from_command_line
        self._called_from_command_line = False
        try:
            return super().create_parser(prog_name, subcommand, **kwargs)
        finally:
            self._called_from_command_line = from_command_line

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="register-sale")
        sale = sub.add_parser("register-sale", help="Fee for one copy of a register, list or notice")
        sale.add_argument("--document", required=True, help=f"One of: {', '.join(fees.Document)}")
        sale.add_argument("--form", required=True, help=f"One of: {', '.join(fees.Form)}")
        sale.add_argument("--entries", required=True, help="Number of entries in the copy (0 or more)")
        sale.add_argument("--date", help="Date of the request, YYYY-MM-DD (default: today)")
        sale.add_argument("--nation", default=Nation.ENGLAND.value, help="ENG, WLS, SCT or NIR (default: ENG)")

    def handle(self, *args: Any, **options: Any) -> None:
        document = _choice(options["document"], list(fees.Document), "document")
        form = _choice(options["form"], list(fees.Form), "form")
        nation = _choice(options["nation"], list(Nation), "nation")
        entries_text = options["entries"]
        if not WHOLE_NUMBER.fullmatch(entries_text):
            raise CommandError(f"--entries must be a whole number of 0 or more, not {entries_text!r}")
        on = self._date(options["date"])
        try:
            pence = fees.sale_fee_pence(document, form, int(entries_text), on=on, nation=nation)
        except fees.NoFeeScheduleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(fees.format_pounds(pence))

    @staticmethod
    def _date(text: str | None) -> dt.date:
        if text is None:
            return timezone.localdate()
        try:
            if not ISO_DATE.fullmatch(text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--date must be a real date written YYYY-MM-DD, not {text!r}") from None
