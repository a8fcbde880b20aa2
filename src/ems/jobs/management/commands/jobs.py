"""``ems jobs list`` and ``ems jobs run ID [--takeover]``: operate jobs from the shell."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ems.jobs import runner
from ems.jobs.models import JobRun


class Command(BaseCommand):
    help = "List jobs, or run (resume) one job in this process."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Show recent jobs")
        run = sub.add_parser("run", help="Run or resume a job here")
        run.add_argument("job_id", type=int)
        run.add_argument(
            "--takeover",
            action="store_true",
            help="Claim a job whose worker was killed, even if its heartbeat is recent",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for job in JobRun.objects.order_by("-id")[:50]:
                self.stdout.write(
                    f"{job.pk:>6}  {job.kind:<28} {job.state:<10} {job.done:>10,}/{job.total:<10,} {job.stage}"
                )
            return
        job_id = options["job_id"]
        if not JobRun.objects.filter(pk=job_id).exists():
            raise CommandError(f"No job with id {job_id}")

        def progress(job: JobRun) -> None:
            sys.stderr.write(f"\r{job.stage}: {job.done:,}/{job.total:,} ({job.percent}%)")
            sys.stderr.flush()

        state = runner.execute(job_id, takeover=options["takeover"], on_progress=progress)
        sys.stderr.write("\n")
        if state != "succeeded":
            raise CommandError(f"Job {job_id} ended as {state}")
        self.stdout.write(f"Job {job_id} {state}")
