"""Dashboard panels contributed by higher layers without core importing them.

Apps register a panel function in ``AppConfig.ready``; each takes the acting user and returns
a dict ``{"title", "rows": [(label, value)], "href"}`` or None when the user may not see it.
"""

from collections.abc import Callable
from typing import Any

Panel = Callable[[Any], dict[str, Any] | None]
_PANELS: list[tuple[int, Panel]] = []


def register_panel(panel: Panel, order: int = 100) -> None:
    if all(existing is not panel for _, existing in _PANELS):
        _PANELS.append((order, panel))
        _PANELS.sort(key=lambda item: item[0])


def panels_for(user: Any) -> list[dict[str, Any]]:
    return [p for _, panel in _PANELS if (p := panel(user)) is not None]
