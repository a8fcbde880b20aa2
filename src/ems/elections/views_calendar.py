"""The council's working-day calendar: days appointed for public thanksgiving or mourning, and
one-off bank holidays, that the election timetables must skip (decision 0024)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ems.accounts.decorators import has_permission as _can
from ems.accounts.decorators import permission_required
from ems.accounts.roles import Permission
from ems.core import selectors as core_selectors
from ems.core import services as core_services
from ems.core.forms import bound_errors as _errors
from ems.core.forms import post_data as _data
from ems.core.models import Nation
from ems_rules.calendar import DEFAULT_OVERRIDES

from . import selectors, services
from .forms import ConfirmForm
from .forms_calendar import CalendarDayForm
from .views import _context, _service_error


def _nation_names(codes: Any) -> str:
    labels = dict(Nation.choices)
    return ", ".join(str(labels.get(str(code), code)) for code in sorted(codes))


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    own = list(core_selectors.calendar_days_for_user(request.user))
    built_in = [
        {"day": o.day, "nations": _nation_names(o.nations), "dies_non": o.dies_non, "reason": o.reason}
        for o in DEFAULT_OVERRIDES
    ]
    return render(
        request,
        "elections/calendar.html",
        _context(
            _("Working-day calendar"),
            own=[{"row": r, "nations": _nation_names(r.nation_codes)} for r in own],
            built_in=built_in,
            to_recalculate=selectors.groups_with_timetable_changes(request.user),
            can_manage=_can(request, Permission.MANAGE_ELECTIONS),
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def calendar_add(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = CalendarDayForm(data=_data(request), initial={"dies_non": "yes"})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        day: dt.date = data["day"]
        try:
            core_services.calendar_day_add(
                acting_user=user,
                authority=user.authority,
                day=day,
                nations=data["nations"],
                dies_non=data["dies_non"] == "yes",
                reason=data["reason"],
                source=data["source"],
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(day)s is in the calendar. New timetables count with it; recalculate the "
                    "timetables of elections already set up."
                )
                % {"day": f"{day.day} {day:%B %Y}"},
            )
            return redirect("elections:calendar")
    return render(request, "elections/calendar_add.html", _context(_("Add a day"), form=form, error_list=_errors(form)))


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def calendar_remove(request: HttpRequest, day_id: int) -> HttpResponse:
    row = core_selectors.calendar_day_for_user(request.user, day_id)
    form = ConfirmForm(data=_data(request))
    if form.is_bound and form.is_valid():
        core_services.calendar_day_remove(acting_user=request.user, row=row)  # type: ignore[arg-type]
        messages.success(request, _("The day is taken out of the calendar."))
        return redirect("elections:calendar")
    return render(
        request,
        "elections/calendar_remove.html",
        _context(
            _("Remove %(day)s from the calendar") % {"day": f"{row.day.day} {row.day:%B %Y}"},
            row=row,
            form=form,
            error_list=_errors(form),
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def timetable_recompute(request: HttpRequest, election_id: int) -> HttpResponse:
    """Preview, then apply, the deadlines the calendar now moves in an election's stored timetable."""
    group = selectors.election_group_for_user(request.user, election_id)
    changes = selectors.timetable_changes(group)
    form = ConfirmForm(data=_data(request))
    if form.is_bound and form.is_valid() and changes:
        try:
            moved = services.timetable_recompute(acting_user=request.user, group=group)  # type: ignore[arg-type]
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("%(n)s deadlines moved.") % {"n": moved})
            return redirect("elections:election", election_id=group.pk)
    return render(
        request,
        "elections/timetable_recompute.html",
        _context(_("Recalculate the timetable"), group=group, changes=changes, form=form, error_list=_errors(form)),
    )
