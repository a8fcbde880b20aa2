"""``ems demo-elections [--authority GSS]``: an upcoming local election for the demo authority.

One ballot per ward of the authority (made by ``ems demo-data``), on the next first Thursday in
May at least eight weeks away, with its statutory timetable (``ems.elections.demo``). Running it
again changes nothing. Refused under settings that do not allow demo data.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ems.core.models import Authority
from ems.elections.demo import demo_elections

DEFAULT_GSS = "E07000999"
GSS_RE = re.compile(r"^[EWSN]\d{8}$")


class Command(BaseCommand):
    help = "Create an upcoming demo local election (a ballot per ward) for the demo authority."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--authority", default=DEFAULT_GSS, help=f"GSS code of the authority (default {DEFAULT_GSS})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.EMS_DEMO_DATA_ALLOWED:
            raise CommandError("Refusing to load demo data under these settings (production?)")
        gss_code = str(options["authority"]).strip().upper()
        if not GSS_RE.match(gss_code):
            raise CommandError(f"--authority must be a GSS code like {DEFAULT_GSS}, not {gss_code!r}")
        authority = Authority.objects.filter(gss_code=gss_code).first()
        if authority is None:
            raise CommandError(f"No authority {gss_code}: run `ems demo-data --authority {gss_code}` first")
        try:
            group, created = demo_elections(authority)
        except ValueError as error:
            raise CommandError(str(error)) from None
        verb = "Created" if created else "Already there:"
        self.stdout.write(f"{verb} {group.name} ({group.dc_group_id}), {group.ballots.count()} ballots.")
