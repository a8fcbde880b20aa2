"""``ems scheduler``: enqueue recurring tasks when they are due (run one alongside the workers)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ems.jobs.schedule import run_due


class Command(BaseCommand):
    help = "Enqueue recurring tasks when due. --once runs a single pass."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=float, default=15.0, help="Seconds between passes")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            names = run_due()
            if names:
                self.stdout.write("enqueued: " + ", ".join(names))
            if options["once"]:
                return
            time.sleep(options["interval"])
