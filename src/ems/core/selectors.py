"""Reads for the foundation: a council's working-day calendar."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import CalendarDay


def calendar_days_for_user(user: Any) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(authority_id=user.authority_id).select_related("created_by")


def calendar_day_for_user(user: Any, day_id: int) -> CalendarDay:
    return get_object_or_404(CalendarDay.objects.filter(authority_id=user.authority_id), pk=day_id)
