"""The one function that writes the audit trail."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from ems.core.request_context import current_request_id

from .models import AuditEvent

if TYPE_CHECKING:
    from ems.accounts.models import User
    from ems.core.models import Authority


def _plain(value: Any) -> Any:
    """Make a value JSON-safe and stable for before/after snapshots."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited fields of a model instance as plain JSON values."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _plain(getattr(instance, name)) for name in names}


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    """Field-by-field changes as ``{field: [old, new]}``."""
    before = before or {}
    after = after or {}
    changed: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            changed[key] = [before.get(key), after.get(key)]
    return changed


def audit_record(
    *,
    actor: User | None,
    authority: Authority | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Write one audit event. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction.")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    plain_before = _plain(dict(before)) if before is not None else None
    plain_after = _plain(dict(after)) if after is not None else None
    is_user = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_label=actor.get_username() if is_user and actor is not None else "system",
        authority=authority,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=plain_before,
        after=plain_after,
        changes=diff(plain_before, plain_after),
        reason=reason,
        request_id=current_request_id() or "",
    )
