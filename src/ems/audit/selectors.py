"""Reads of the audit trail, within the acting user's authority."""

import datetime
from typing import Any

from django.db.models import QuerySet

from .models import AuditEvent


def audit_events_for_user(
    user: Any,
    *,
    object_type: str = "",
    object_id: str = "",
    username: str = "",
    day: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(authority_id=user.authority_id).select_related("actor")
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if username:
        events = events.filter(actor_label=username)
    if day:
        events = events.filter(occurred_at__date=day)
    return events
