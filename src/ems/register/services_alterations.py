"""Writes to the register: additions, amendments, deletions, notices and renumbering.

Every change is an ``Alteration`` carrying the entry as it stands afterwards, its effective
date and the notice that publishes it; the ``Elector`` row is kept equal to the latest
alteration so reads of the current register stay simple. Each service writes its audit row in
the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from ems.audit.services import audit_record, snapshot
from ems.core.calendar import bank_holidays
from ems.geography.models import PollingDistrict
from ems_rules.notices import next_monthly_notice_date

from .models import (
    Alteration,
    AlterationKind,
    Elector,
    Notice,
    NoticeKind,
    NoticeState,
    Property,
)
from .search import elector_search_text

if TYPE_CHECKING:
    from ems.accounts.models import User
    from ems.core.models import Authority

# The fields of an elector that make up a register entry (what a notice of alteration shows).
ENTRY_FIELDS = (
    "polling_district_id",
    "elector_number",
    "elector_suffix",
    "title",
    "first_names",
    "surname",
    "date_of_birth",
    "markers",
    "attainer_date",
    "open_register_opt_out",
    "is_anonymous",
    "special_category",
    "property_id",
)
# Fields an officer may change with elector_amend.
AMENDABLE = frozenset(ENTRY_FIELDS) - {"elector_number", "elector_suffix"} | {
    "previous_names",
    "nationality",
    "special_category_expires",
    "absent_vote",
    "absent_vote_from",
    "absent_vote_until",
    "proxy_name",
    "proxy_address",
    "ballot_address",
    "notes",
}
RENUMBER_REASON = "Renumbered for the revised register"
_ADDRESS_FIELDS = ("address_1", "address_2", "address_3", "address_4", "address_5", "address_6", "postcode")


def _entry_of(elector: Elector) -> dict[str, Any]:
    """The register entry of an elector as plain JSON: what a notice prints, plus the address."""
    entry = snapshot(elector, list(ENTRY_FIELDS))
    entry["polling_district_code"] = elector.polling_district.code
    entry["ems_elector_id"] = elector.ems_elector_id
    prop = elector.property
    for name in _ADDRESS_FIELDS:
        entry[name] = getattr(prop, name) if prop is not None else ""
    entry["uprn"] = prop.uprn if prop is not None else None
    return entry


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason for the change"})
    return reason[:300]


def _resolve_notice(
    authority: Authority, notice: Notice | None, effective_date: dt.date | None, acting_user: User | None
) -> tuple[Notice, dt.date]:
    """The notice that publishes a change: the one given, or the next monthly notice."""
    if notice is not None:
        notice = Notice.objects.select_for_update().get(pk=notice.pk)  # its state now, not as the caller saw it
        if notice.authority_id != authority.pk:
            raise ValidationError("That notice belongs to another authority")
        if notice.state == NoticeState.PUBLISHED:
            raise ValidationError(f"{notice} is already published; add the change to a later notice")
        _check_not_before_renumbering(authority.pk, notice.effective_date)
        return notice, notice.effective_date
    if effective_date is not None:
        _check_not_before_renumbering(authority.pk, effective_date)
    today = effective_date or timezone.localdate()
    holidays = bank_holidays(authority.nation, today.year, today.year + 1, authority_id=authority.pk)
    date = next_monthly_notice_date(today - dt.timedelta(days=1), holidays) if effective_date is None else today
    existing = Notice.objects.filter(
        authority=authority, kind=NoticeKind.MONTHLY, effective_date=date, state=NoticeState.DRAFT
    ).first()
    if existing is not None:
        return existing, date
    return notice_create(
        acting_user=acting_user, authority=authority, kind=NoticeKind.MONTHLY, effective_date=date
    ), date


def _check_date_order(elector: Elector, date: dt.date) -> None:
    latest = elector.alterations.aggregate(latest=Max("effective_date"))["latest"]
    if latest is not None and date < latest:
        raise ValidationError(
            f"This elector already has a change taking effect on {latest:%d %B %Y}; "
            f"record changes in date order (this one is {date:%d %B %Y})"
        )


def _lock_current(elector: Elector, deleted_message: str) -> Elector:
    """The elector's row, locked for this transaction and re-read; refused if already deleted."""
    locked = (
        Elector.records.select_for_update(of=("self",))
        .select_related("polling_district", "property")
        .get(pk=elector.pk)
    )
    if locked.deleted_on is not None:
        raise ValidationError(deleted_message)
    return locked


def _check_part_order(district_ids: set[int], date: dt.date) -> None:
    """Changes to a part of the register are recorded in date order: a change may not take
    effect before one already recorded for the same part (numbers would then clash in the past)."""
    touching = Q(polling_district_id__in=district_ids) | Q(from_polling_district_id__in=district_ids)
    latest = Alteration.objects.filter(touching).aggregate(on=Max("effective_date"))["on"]
    if latest is not None and date < latest:
        raise ValidationError(
            f"This part of the register already has a change taking effect on {latest:%d %B %Y}; "
            f"record changes in date order (this one is {date:%d %B %Y})"
        )


def _record(
    *,
    elector: Elector,
    kind: str,
    date: dt.date,
    notice: Notice,
    reason: str,
    acting_user: User | None,
    before: Mapping[str, Any] | None,
) -> Alteration:
    entry = {} if kind == AlterationKind.DELETE else _entry_of(elector)
    left = (before or {}).get("polling_district_id")
    alteration = Alteration.objects.create(
        authority_id=elector.authority_id,
        polling_district_id=elector.polling_district_id,
        from_polling_district_id=left if left and left != elector.polling_district_id else None,
        elector=elector,
        kind=kind,
        effective_date=date,
        notice=notice,
        entry=entry,
        reason=reason,
        created_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    audit_record(
        actor=acting_user,
        authority=elector.authority,
        action=f"register.elector.{kind}",
        obj=elector,
        before=before,
        after=entry or None,
        reason=reason,
    )
    return alteration


def _next_number(district: PollingDistrict, prop: Property | None) -> tuple[int, int]:
    """A number for an in-year addition: the suffix after a neighbour at or before the property in
    walk order (registration.md §1.2), or the next number at the end of the part.

    Numbers of deleted entries are not reused until the part is renumbered, so an elector
    number identifies one entry on every date, whatever order changes were recorded in.
    """
    everyone = Elector.records.filter(polling_district=district)
    if prop is not None:
        neighbour = (
            everyone.filter(deleted_on__isnull=True, property__walk_order__lte=prop.walk_order)
            .order_by("-property__walk_order", "-elector_number", "-elector_suffix")
            .first()
        )
        if neighbour is not None:
            top = everyone.filter(elector_number=neighbour.elector_number).aggregate(s=Max("elector_suffix"))["s"]
            return neighbour.elector_number, (top or 0) + 1
    last = everyone.filter(elector_number__lt=10_000_000).aggregate(n=Max("elector_number"))["n"]
    return (last or 0) + 1, 0


def _check_not_before_renumbering(authority_id: int, date: dt.date) -> None:
    """Numbers changed at the last revised register: nothing may take effect before it any more."""
    renumbered = Alteration.objects.filter(
        authority_id=authority_id, notice__kind=NoticeKind.REVISED, reason=RENUMBER_REASON
    ).aggregate(on=Max("effective_date"))["on"]
    if renumbered is not None and date < renumbered:
        raise ValidationError(
            f"The register was renumbered on {renumbered:%d %B %Y}; changes must take effect on or after that date"
        )


@transaction.atomic
def notice_create(
    *,
    acting_user: User | None,
    authority: Authority,
    kind: str,
    effective_date: dt.date,
    area: Any = None,
    title: str = "",
) -> Notice:
    if kind not in NoticeKind.values:
        raise ValidationError(f"Unknown notice kind: {kind}")
    if kind in (NoticeKind.INTERIM_ELECTION, NoticeKind.FINAL_ELECTION) and area is None:
        raise ValidationError("An election notice applies to the area of the election: choose the area")
    notice = Notice.objects.create(
        authority=authority, kind=kind, effective_date=effective_date, area=area, title=title
    )
    audit_record(
        actor=acting_user,
        authority=authority,
        action="register.notice.create",
        obj=notice,
        after=snapshot(notice, ["kind", "effective_date", "area_id", "title"]),
    )
    return notice


@transaction.atomic
def notice_publish(*, acting_user: User | None, notice: Notice) -> Notice:
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.state == NoticeState.PUBLISHED:
        raise ValidationError(f"{notice} is already published")
    notice.state = NoticeState.PUBLISHED
    notice.published_at = timezone.now()
    notice.save(update_fields=["state", "published_at"])
    audit_record(
        actor=acting_user,
        authority=notice.authority,
        action="register.notice.publish",
        obj=notice,
        after={"alterations": notice.alterations.count()},
    )
    return notice


@transaction.atomic
def elector_add(
    *,
    acting_user: User | None,
    authority: Authority,
    polling_district: PollingDistrict,
    first_names: str,
    surname: str,
    reason: str,
    property: Property | None = None,
    notice: Notice | None = None,
    effective_date: dt.date | None = None,
    ems_elector_id: str | None = None,
    **fields: Any,
) -> Elector:
    """Add an entry to the register, numbered after its neighbour in walk order."""
    reason = _reason(reason)
    if polling_district.authority_id != authority.pk or (
        property is not None and property.authority_id != authority.pk
    ):
        raise ValidationError("The district and property must belong to this authority")
    unknown = set(fields) - AMENDABLE
    if unknown:
        raise ValidationError(f"These fields cannot be set: {', '.join(sorted(unknown))}")
    if not first_names.strip() or not surname.strip():
        raise ValidationError("Enter the elector's first names and surname")
    notice, date = _resolve_notice(authority, notice, effective_date, acting_user)
    _check_part_order({polling_district.pk}, date)
    number, suffix = _next_number(polling_district, property)
    elector = Elector(
        authority=authority,
        polling_district=polling_district,
        property=property,
        first_names=first_names.strip(),
        surname=surname.strip(),
        elector_number=number,
        elector_suffix=suffix,
        registered_on=date,
        **fields,
    )
    if ems_elector_id:
        elector.ems_elector_id = ems_elector_id
    elector.search_text = elector_search_text(elector)
    elector.full_clean(exclude=["authority", "polling_district", "property"])
    elector.save()
    _record(
        elector=elector,
        kind=AlterationKind.ADD,
        date=date,
        notice=notice,
        reason=reason,
        acting_user=acting_user,
        before=None,
    )
    return elector


@transaction.atomic
def elector_amend(
    *,
    acting_user: User | None,
    elector: Elector,
    changes: Mapping[str, Any],
    reason: str,
    notice: Notice | None = None,
    effective_date: dt.date | None = None,
) -> Elector:
    """Amend an entry (name, markers, opt-out, move within the authority…) with a reason."""
    reason = _reason(reason)
    elector = _lock_current(elector, "This elector has been deleted from the register")
    unknown = set(changes) - AMENDABLE
    if unknown:
        raise ValidationError(f"These fields cannot be amended: {', '.join(sorted(unknown))}")
    notice, date = _resolve_notice(elector.authority, notice, effective_date, acting_user)
    _check_date_order(elector, date)
    _check_part_order({elector.polling_district_id, int(changes.get("polling_district_id") or 0)}, date)
    before = _entry_of(elector)
    for name, value in changes.items():
        setattr(elector, name, value)
    moved = "polling_district_id" in changes or "property_id" in changes
    if moved:
        district = PollingDistrict.objects.get(pk=elector.polling_district_id, authority_id=elector.authority_id)
        prop = (
            Property.objects.filter(pk=elector.property_id, authority_id=elector.authority_id).first()
            if elector.property_id
            else None
        )
        if elector.property_id and prop is None:
            raise ValidationError("The property must belong to this authority")
        elector.polling_district, elector.property = district, prop
        elector.elector_number, elector.elector_suffix = 10_000_000 + elector.pk, 0  # park the number
        elector.save()
        elector.elector_number, elector.elector_suffix = _next_number(district, prop)
    elector.search_text = elector_search_text(elector)
    elector.full_clean(exclude=["authority", "polling_district", "property"])
    elector.save()
    _record(
        elector=elector,
        kind=AlterationKind.AMEND,
        date=date,
        notice=notice,
        reason=reason,
        acting_user=acting_user,
        before=before,
    )
    return elector


@transaction.atomic
def elector_delete(
    *,
    acting_user: User | None,
    elector: Elector,
    reason: str,
    notice: Notice | None = None,
    effective_date: dt.date | None = None,
) -> Elector:
    """Remove an entry from the register; the row stays as the record of who was on it."""
    reason = _reason(reason)
    elector = _lock_current(elector, "This elector has already been deleted")
    notice, date = _resolve_notice(elector.authority, notice, effective_date, acting_user)
    _check_date_order(elector, date)
    _check_part_order({elector.polling_district_id}, date)
    before = _entry_of(elector)
    elector.deleted_on = date
    elector.save(update_fields=["deleted_on"])
    _record(
        elector=elector,
        kind=AlterationKind.DELETE,
        date=date,
        notice=notice,
        reason=reason,
        acting_user=acting_user,
        before=before,
    )
    return elector


@transaction.atomic
def register_renumber(*, acting_user: User | None, authority: Authority, notice: Notice) -> int:
    """Renumber every part in walk order for the revised register (RPA 1983 s.13(4); RPR 2001
    regs 39 and 41: street order, sequential numbers, suffixes cleared). Returns the number of
    entries whose number changed; each gets an amendment on the revised register notice."""
    if notice.kind != NoticeKind.REVISED or notice.authority_id != authority.pk:
        raise ValidationError("Renumbering happens on this authority's revised register notice")
    changed = 0
    for district in PollingDistrict.objects.filter(authority=authority).order_by("code"):
        electors = list(
            Elector.records.select_for_update(of=("self",))
            .filter(polling_district=district, deleted_on__isnull=True)
            .select_related("property", "polling_district")
            .order_by("property__walk_order", "property__uprn", "surname", "first_names", "pk")
        )
        moving = [(e, n) for n, e in enumerate(electors, start=1) if (e.elector_number, e.elector_suffix) != (n, 0)]
        if not moving:
            continue
        # Park the moving numbers out of the way first: the unique constraint holds at every step.
        for elector, number in moving:
            Elector.records.filter(pk=elector.pk).update(elector_number=10_000_000 + number, elector_suffix=0)
        for elector, number in moving:
            _check_date_order(elector, notice.effective_date)
            before = _entry_of(elector)
            elector.elector_number, elector.elector_suffix = number, 0
            Elector.records.filter(pk=elector.pk).update(elector_number=number, elector_suffix=0)
            _record(
                elector=elector,
                kind=AlterationKind.AMEND,
                date=notice.effective_date,
                notice=notice,
                reason=RENUMBER_REASON,
                acting_user=acting_user,
                before=before,
            )
            changed += 1
    audit_record(
        actor=acting_user, authority=authority, action="register.renumber", obj=notice, after={"renumbered": changed}
    )
    return changed
