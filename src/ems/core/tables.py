"""Sortable, paginated tables for GOV.UK pages. Bad ``page`` or ``sort`` values fall back safely."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise


@dataclass
class Column:
    key: str
    label: str | Promise  # lazy translations are resolved when the page renders
    order_by: str | None = None  # None: not sortable


@dataclass
class Table:
    columns: list[Column]
    page: Page[Any]
    sort: str
    descending: bool
    headers: list[dict[str, Any]]
    pagination: dict[str, Any]


def _query(request: HttpRequest, **changes: Any) -> str:
    params = dict(request.GET.items())
    params.update({k: str(v) for k, v in changes.items()})
    return "?" + urlencode(params)


def build_table(
    request: HttpRequest,
    queryset: QuerySet[Any],
    columns: list[Column],
    default_sort: str,
    per_page: int = 50,
    count: int | None = None,
) -> Table:
    """``count``: the number of rows, when the caller already knows it (saves a COUNT query)."""
    sortable = {c.key: c for c in columns if c.order_by}
    raw_sort = request.GET.get("sort", default_sort)
    descending = raw_sort.startswith("-")
    key = raw_sort.lstrip("-")
    if key not in sortable:
        key, descending = default_sort.lstrip("-"), default_sort.startswith("-")
    order = sortable[key].order_by or key
    queryset = queryset.order_by(f"-{order}" if descending else order, "-pk" if descending else "pk")

    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    page = paginator.get_page(request.GET.get("page"))  # invalid or out of range -> first/last page

    headers = []
    for column in columns:
        header: dict[str, Any] = {"label": column.label, "key": column.key}
        if column.order_by:
            is_current = column.key == key
            next_sort = f"-{column.key}" if is_current and not descending else column.key
            header["href"] = _query(request, sort=next_sort, page=1)
            header["aria_sort"] = ("descending" if descending else "ascending") if is_current else "none"
        headers.append(header)

    items: list[dict[str, Any]] = []
    if paginator.num_pages > 1:
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
            if not isinstance(number, int):  # the ellipsis marker
                items.append({"ellipsis": True})
            else:
                items.append({"number": number, "href": _query(request, page=number), "current": number == page.number})
    pagination: dict[str, Any] = {"items": items}
    if page.has_previous():
        pagination["previous"] = {"href": _query(request, page=page.previous_page_number())}
    if page.has_next():
        pagination["next"] = {"href": _query(request, page=page.next_page_number())}
    return Table(columns=columns, page=page, sort=key, descending=descending, headers=headers, pagination=pagination)
