"""Browse the audit trail per record, per user and per day, and export it as CSV."""

import csv
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from ems.accounts.decorators import permission_required
from ems.accounts.roles import Permission
from ems.core.forms import error_list, field_error
from ems.core.tables import Column, build_table

from . import selectors
from .forms import AuditFilterForm
from .models import AuditEvent

COLUMNS = [
    Column("occurred_at", _("When"), "occurred_at"),
    Column("actor_label", _("Who"), "actor_label"),
    Column("action", _("Action"), "action"),
    Column("object", _("Record"), "object_type"),
    Column("changes", _("Changes")),
    Column("reason", _("Reason")),
]


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, Any]:
    form = AuditFilterForm(data=request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "object_type": data["object_type"],
            "object_id": data["object_id"],
            "username": data["user"],
            "day": data["day"],
        }
    return form, selectors.audit_events_for_user(request.user, **filters)


@permission_required(Permission.VIEW_AUDIT)
def audit_list(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    table = build_table(request, events, COLUMNS, "-occurred_at", per_page=50)
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "table": table,
            "error_list": error_list(form) if form.is_bound and form.errors else [],
            "field_error": field_error,
            "title": _("Audit trail"),
            "current": "audit",
            "export_query": request.GET.urlencode(),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows(events: Any) -> Iterator[list[Any]]:
    yield ["occurred_at", "user", "action", "object_type", "object_id", "changes", "reason", "request_id"]
    event: AuditEvent
    for event in events.iterator(chunk_size=2000):
        yield [
            localtime(event.occurred_at).isoformat(),
            event.actor_label,
            event.action,
            event.object_type,
            event.object_id,
            event.changes,
            event.reason,
            event.request_id,
        ]


@permission_required(Permission.EXPORT_AUDIT)
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    _form, events = _filtered(request)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _rows(events.order_by("occurred_at", "id"))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response
