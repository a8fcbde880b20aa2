"""``ems serve``: the web server plus a task worker and the scheduler, for one-command running."""

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the web server, a db_worker and the scheduler together; Ctrl-C stops all three."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        ems = [sys.executable, "-m", "ems.cli"]
        children = [
            subprocess.Popen([*ems, "db_worker", "--queue-name", "*", "--interval", "1"]),
            subprocess.Popen([*ems, "scheduler"]),
            subprocess.Popen([*ems, "runserver", "--noreload", options["addrport"]]),
        ]

        def stop(*_: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
            os._exit(0)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while all(child.poll() is None for child in children):
            time.sleep(1)
        stop()
