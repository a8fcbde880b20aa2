"""Job kinds: each app registers a handler that does the work in resumable units."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .runner import JobContext


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    handler: Callable[[JobContext], None]
    queue: str = "default"


_KINDS: dict[str, JobKind] = {}


def register_job(
    name: str, label: str, queue: str = "default"
) -> Callable[[Callable[[JobContext], None]], Callable[[JobContext], None]]:
    def decorate(handler: Callable[[JobContext], None]) -> Callable[[JobContext], None]:
        _KINDS[name] = JobKind(name=name, label=label, handler=handler, queue=queue)
        return handler

    return decorate


def get_kind(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"Unknown job kind: {name}") from None


def kinds() -> list[JobKind]:
    return sorted(_KINDS.values(), key=lambda k: k.name)
