"""Writes for the property base from a gazetteer (AddressBase Plus, NLPG/LLPG DTF 8.1).

Kept apart from ``ems.register.services`` so the bulk gazetteer machinery (``gazetteer/``)
loads only where it is used. Same rules as every service: ``@transaction.atomic``, keyword-only
arguments, ``acting_user``, and the audit row in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ems.audit.services import audit_record

from .gazetteer.apply import ImportReport, apply_records
from .gazetteer.records import PropertyRecord

if TYPE_CHECKING:
    from ems.accounts.models import User
    from ems.core.models import Authority

AUDIT_ACTION = "property.gazetteer_import"


@transaction.atomic
def gazetteer_import(
    *,
    acting_user: User | None,
    authority: Authority,
    records: Iterable[PropertyRecord],
    source_name: str,
    full_supply: bool | None = None,
    dry_run: bool = False,
    file_name: str = "",
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Bring ``authority``'s properties into line with a gazetteer file: all or nothing.

    ``records`` is a reader (or any iterable of :class:`PropertyRecord`); a
    :class:`~ems.register.gazetteer.GazetteerError` raised while reading rolls everything back.
    ``source_name`` (``"addressbase-plus"``, ``"dtf"``) is stored on each property and scopes
    retirement: a *full* supply retires only absent UPRNs that came from the same source.
    ``full_supply=None`` asks the reader once it has been read (``records.full_supply``), and
    treats an unknown answer as change-only, which never retires by absence.

    Returns the :class:`ImportReport` (new / changed / retired UPRNs). One audit row records its
    summary; nothing else is written when nothing changed. ``dry_run`` computes the same report
    and then rolls the whole transaction back, audit row included.
    """
    report = ImportReport(source_name=source_name, dry_run=dry_run)

    def is_full() -> bool:
        if full_supply is not None:
            return full_supply
        return bool(getattr(records, "full_supply", False))

    apply_records(
        authority=authority,
        records=records,
        report=report,
        full_supply=is_full,
        now=timezone.now(),
        on_progress=on_progress,
    )
    audit_record(
        actor=acting_user,
        authority=authority,
        action=AUDIT_ACTION,
        object_type="register.property",
        object_id=file_name or source_name,
        after=report.summary(),
        reason=f"Gazetteer import from {file_name or source_name}",
    )
    if dry_run:
        transaction.set_rollback(True)
    return report
