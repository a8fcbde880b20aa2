"""``ems demo-data --electors N --seed S [--authority GSS] [--enqueue]``: a demo authority.

Creates the authority if it is missing, a demo login for every role, and runs the
``register.demo_data`` job (``ems.register.demo``) in this process — or, with ``--enqueue``,
hands it to the task worker. Running it again with the same electors and seed is a no-op that
prints the logins again.

**Demo logins only.** Every demo user has the password ``DEMO_PASSWORD``. Users whose role
needs two-factor authentication get a confirmed TOTP device whose key is the SHA-1 digest of
``"ems-demo-totp:" + username`` (so anyone can recompute it): the base32 secret is printed to
add to an authenticator app, and ``ems totp-code USERNAME`` prints the current code. Never run
this against a production database.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from ems.accounts import services as account_services
from ems.accounts.models import User
from ems.accounts.roles import TWO_FACTOR_ROLES, Role
from ems.core import services as core_services
from ems.core.models import Authority, AuthorityType, Nation
from ems.jobs import runner
from ems.jobs.models import JobRun, JobState
from ems.jobs.services import job_start
from ems.register import demo
from ems.register.models import Elector

DEFAULT_GSS = "E07000999"
DEFAULT_NAME = "Demo District Council"
DEMO_PASSWORD = "ems-demo-password"  # noqa: S105 - documented demo credential, not a secret
GSS_RE = re.compile(r"^[EWSN]\d{8}$")
NATIONS = {
    "E": (Nation.ENGLAND, AuthorityType.NON_METROPOLITAN_DISTRICT),
    "W": (Nation.WALES, AuthorityType.WELSH_PRINCIPAL_AREA),
    "S": (Nation.SCOTLAND, AuthorityType.SCOTTISH_COUNCIL),
    "N": (Nation.NORTHERN_IRELAND, AuthorityType.EONI),
}


def demo_username(role: str, gss_code: str) -> str:
    """``ero`` for the default demo authority; ``ero@E07000123`` for any other."""
    return role if gss_code == DEFAULT_GSS else f"{role}@{gss_code}"


def demo_totp_key(username: str) -> bytes:
    """The fixed demo TOTP key: SHA-1 of ``"ems-demo-totp:" + username`` (20 bytes)."""
    return hashlib.sha1(f"ems-demo-totp:{username}".encode()).digest()  # noqa: S324 - a key, not a hash check


def _whole_number(name: str, raw: str, minimum: int) -> int:
    try:
        value = int(raw.replace("_", "").replace(",", ""))
    except ValueError:
        raise CommandError(f"--{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise CommandError(f"--{name} must be {minimum} or more, not {value}")
    return value


class Command(BaseCommand):
    help = "Create a demo authority with a synthetic register (deterministic from --seed) and demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--electors", default="20000", help="How many electors (default 20,000)")
        parser.add_argument("--seed", default="2026", help="Random seed: the same seed gives the same register")
        parser.add_argument(
            "--authority", default=DEFAULT_GSS, help=f"GSS code of the authority (default {DEFAULT_GSS})"
        )
        parser.add_argument("--as-at", default=demo.DEFAULT_AS_AT.isoformat(), help="Register date (YYYY-MM-DD)")
        parser.add_argument("--enqueue", action="store_true", help="Hand the job to the task worker instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.EMS_DEMO_DATA_ALLOWED:
            raise CommandError(
                "Refusing to load demo data under these settings (production?): it creates known logins. "
                "Set EMS_ALLOW_DEMO_DATA=1 if you really mean it."
            )
        electors = _whole_number("electors", str(options["electors"]), 1)
        if electors > demo.MAX_ELECTORS:
            raise CommandError(f"--electors must be at most {demo.MAX_ELECTORS:,}, not {electors:,}")
        seed = _whole_number("seed", str(options["seed"]), 0)
        gss_code = str(options["authority"]).strip().upper()
        if not GSS_RE.match(gss_code):
            raise CommandError(
                f"--authority must be a GSS code like {DEFAULT_GSS} (^[EWSN]\\d{{8}}$), not {gss_code!r}"
            )
        try:
            as_at = dt.date.fromisoformat(str(options["as_at"]))
        except ValueError:
            raise CommandError(f"--as-at must be a date like 2025-12-01, not {options['as_at']!r}") from None
        params = {"electors": electors, "seed": seed, "as_at": as_at.isoformat()}

        authority = Authority.objects.filter(gss_code=gss_code).first()
        if authority is None:
            nation, authority_type = NATIONS[gss_code[0]]
            authority = core_services.authority_create(
                acting_user=None,
                name=DEFAULT_NAME if gss_code == DEFAULT_GSS else f"Demo Council {gss_code}",
                gss_code=gss_code,
                nation=nation,
                authority_type=authority_type,
            )

        jobs = JobRun.objects.filter(authority=authority, kind=demo.JOB_KIND).order_by("-id")
        same = [job for job in jobs if job.params == params]
        if any(job.state == JobState.SUCCEEDED for job in same):
            self._ensure_users(authority)
            self.stdout.write(f"Demo data already loaded for {authority} ({electors:,} electors, seed {seed}).")
            self._print_logins(authority)
            return
        unfinished = next((job for job in same if job.is_active), None)
        if unfinished is None:
            count = Elector.records.filter(authority=authority).count()
            if count:
                raise CommandError(f"Authority {gss_code} already has {count:,} electors; use a new --authority")
        self._ensure_users(authority)

        if unfinished is not None:
            job = unfinished
            if options["enqueue"]:
                self.stdout.write(f"Demo job {job.pk} for {gss_code} is already {job.state}.")
                self._print_logins(authority)
                return
            self.stderr.write(f"Resuming demo job {job.pk} ({job.done:,} of {job.total:,} done).")
        else:
            job = job_start(
                acting_user=None, authority=authority, kind=demo.JOB_KIND, params=params, enqueue=options["enqueue"]
            )
            if options["enqueue"]:
                self.stdout.write(f"Demo job {job.pk} queued for {authority}; a task worker will run it.")
                self._print_logins(authority)
                return

        def progress(run: JobRun) -> None:
            sys.stderr.write(f"\r{run.stage}: {run.done:,}/{run.total:,} electors ({run.percent}%)")
            sys.stderr.flush()

        state = runner.execute(job.pk, on_progress=progress)
        sys.stderr.write("\n")
        if state == JobState.RUNNING:
            raise CommandError(
                f"Demo job {job.pk} is running elsewhere; if its worker was killed: ems jobs run {job.pk} --takeover"
            )
        if state != JobState.SUCCEEDED:
            raise CommandError(f"Demo job {job.pk} ended as {state}; see `ems jobs list`")
        self.stdout.write(f"Demo data loaded for {authority}: {electors:,} electors, seed {seed} (job {job.pk}).")
        self._print_logins(authority)

    def _ensure_users(self, authority: Authority) -> None:
        for role in Role:
            username = demo_username(role.value, authority.gss_code)
            if User.objects.filter(username=username).exists():
                continue
            user = account_services.user_create(
                acting_user=None,
                authority=authority,
                username=username,
                password=DEMO_PASSWORD,
                role=role.value,
                first_name="Demo",
                last_name=role.label,
            )
            if role in TWO_FACTOR_ROLES:
                account_services.totp_device_create_confirmed(
                    acting_user=None, user=user, key_hex=demo_totp_key(username).hex()
                )

    def _print_logins(self, authority: Authority) -> None:
        rows = [("Username", "Role", "Password", "TOTP secret (base32)")]
        for role in Role:
            username = demo_username(role.value, authority.gss_code)
            user = User.objects.filter(username=username, authority=authority).first()
            if user is None:
                continue
            secret = ""
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                secret = base64.b32encode(demo_totp_key(username)).decode()
            rows.append((username, role.label, DEMO_PASSWORD, secret))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(f"Demo logins for {authority} (demo only; `ems totp-code USERNAME` prints a current code):")
        for row in rows:
            self.stdout.write(
                "  " + "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
            )
