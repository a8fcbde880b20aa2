"""Recurring tasks and the scheduler loop that enqueues them when due.

Each recurring task's last run is a row in ScheduleState, claimed with a row lock, so any
number of scheduler processes on PostgreSQL enqueue each run once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import ScheduleState


@dataclass(frozen=True)
class Recurring:
    name: str
    every: timedelta
    enqueue: Callable[[], Any]


def _requeue_stale() -> Any:
    from .tasks import requeue_stale_jobs

    return requeue_stale_jobs.enqueue()


RECURRING: list[Recurring] = [
    Recurring("jobs.requeue_stale", timedelta(minutes=1), _requeue_stale),
]


def register_recurring(item: Recurring) -> None:
    if all(existing.name != item.name for existing in RECURRING):
        RECURRING.append(item)


def run_due(now: Any = None) -> list[str]:
    """Enqueue every recurring task that is due; returns the names enqueued."""
    now = now or timezone.now()
    enqueued: list[str] = []
    for item in RECURRING:
        with transaction.atomic():
            ScheduleState.objects.get_or_create(name=item.name)
            state = ScheduleState.objects.select_for_update().get(name=item.name)
            if state.last_run_at is not None and now - state.last_run_at < item.every:
                continue
            state.last_run_at = now
            state.save(update_fields=["last_run_at"])
            transaction.on_commit(item.enqueue)
            enqueued.append(item.name)
    return enqueued
