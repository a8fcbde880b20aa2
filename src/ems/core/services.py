"""Writes for authorities (tenants) and their working-day calendars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from ems.audit.services import audit_record, snapshot
from ems_rules.calendar import easter_sunday

from .models import Authority, AuthorityType, CalendarDay, Nation

if TYPE_CHECKING:
    from ems.accounts.models import User


@transaction.atomic
def authority_create(
    *,
    acting_user: User | None,
    name: str,
    gss_code: str,
    nation: str,
    authority_type: str,
    ero_body: Authority | None = None,
) -> Authority:
    if nation not in Nation.values:
        raise ValueError(f"Unknown nation: {nation}")
    if authority_type not in AuthorityType.values:
        raise ValueError(f"Unknown authority type: {authority_type}")
    authority = Authority.objects.create(
        name=name, gss_code=gss_code, nation=nation, authority_type=authority_type, ero_body=ero_body
    )
    audit_record(
        actor=acting_user, authority=authority, action="authority.create", obj=authority, after=snapshot(authority)
    )
    return authority


_CALENDAR_FIELDS = ["day", "nations", "dies_non", "reason", "source"]


def _named_by_the_rules(day: dt.date) -> str | None:
    """The days the election rules disregard by name, which no proclamation makes working days."""
    if day.weekday() >= 5:
        return day.strftime("%A")
    if (day.month, day.day) == (12, 24):
        return "Christmas Eve"
    if (day.month, day.day) == (12, 25):
        return "Christmas Day"
    if day == easter_sunday(day.year) - dt.timedelta(days=2):
        return "Good Friday"
    return None


@transaction.atomic
def calendar_day_add(
    *,
    acting_user: User | None,
    authority: Authority,
    day: dt.date,
    nations: Iterable[str],
    reason: str,
    source: str = "",
    dies_non: bool = True,
) -> CalendarDay:
    """Record a day appointed for public thanksgiving or mourning, or a one-off bank holiday
    (``dies_non``), or a bank holiday a proclamation moved away (``dies_non=False``)."""
    codes = sorted(set(nations))
    errors: dict[str, str] = {}
    if not codes:
        errors["nations"] = "Choose the nations the day applies to"
    elif unknown := [c for c in codes if c not in Nation.values]:
        errors["nations"] = f"Unknown nation {unknown[0]!r}"
    reason = " ".join(reason.split())
    if not reason:
        errors["reason"] = "Say what the day is, for example 'Day of the state funeral'"
    elif len(reason) > 200:
        errors["reason"] = "The reason must be 200 characters or fewer"
    source = " ".join(source.split())
    if len(source) > 300:
        errors["source"] = "The source must be 300 characters or fewer"
    if not dt.date(1990, 1, 1) <= day <= dt.date(2200, 12, 31):
        errors["day"] = "Enter a day between 1990 and 2200"
    elif not dies_non and (named := _named_by_the_rules(day)):
        errors["day"] = f"{named} is disregarded by the election rules themselves: it cannot be made a working day"
    elif CalendarDay.objects.filter(authority=authority, day=day).exists():
        errors["day"] = f"{day:%-d %B %Y} is already in the calendar: remove it first to change it"
    if errors:
        raise ValidationError(errors)
    row = CalendarDay.objects.create(
        authority=authority,
        day=day,
        nations=",".join(codes),
        dies_non=dies_non,
        reason=reason,
        source=source,
        created_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    audit_record(
        actor=acting_user,
        authority=authority,
        action="core.calendar_day.add",
        obj=row,
        after=snapshot(row, _CALENDAR_FIELDS),
    )
    return row


@transaction.atomic
def calendar_day_remove(*, acting_user: User | None, row: CalendarDay) -> None:
    """Take a day out of the council's calendar override table."""
    row = CalendarDay.objects.select_for_update().get(pk=row.pk)
    before = snapshot(row, _CALENDAR_FIELDS)
    audit_record(
        actor=acting_user,
        authority=row.authority,
        action="core.calendar_day.remove",
        obj=row,
        before=before,
    )
    row.delete()
