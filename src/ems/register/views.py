"""The officers' register pages: search and dashboard, elector and property pages, add, amend and
delete forms, notices of alteration, and bulk changes with a preview.

Reads need ``VIEW_REGISTER``, writes ``EDIT_REGISTER``. Every record is looked up within the
user's authority (another authority's id is a 404). Writes go through
``services_alterations``; a ``ValidationError`` from a service is shown in the GOV.UK error
summary and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ems.accounts.decorators import permission_required
from ems.accounts.roles import Permission
from ems.audit.selectors import audit_events_for_user
from ems.core.forms import error_list, field_error
from ems.core.tables import Column, build_table
from ems_rules import franchise

from . import selectors
from . import services_alterations as alterations
from .forms import (
    BULK_LIMIT,
    BulkAction,
    BulkForm,
    ElectorAddForm,
    ElectorAmendForm,
    ElectorDeleteForm,
    PublishForm,
    SearchForm,
)
from .models import Elector, NoticeState

HISTORY_LIMIT = 200

SEARCH_COLUMNS = [
    Column("number", _("Elector number"), "number_key"),
    Column("name", _("Name"), "name_key"),
    Column("address", _("Address"), "property__address_1"),
    Column("postcode", _("Postcode"), "property__postcode"),
    Column("markers", _("Markers"), "markers"),
    Column("status", _("Status")),
]
NOTICE_COLUMNS = [
    Column("notice", _("Notice")),
    Column("effective_date", _("Takes effect"), "effective_date"),
    Column("state", _("State"), "state"),
    Column("alterations", _("Alterations"), "alteration_count"),
]
NOTICE_ALTERATION_COLUMNS = [
    Column("kind", _("Kind"), "kind"),
    Column("elector", _("Elector"), "elector__surname"),
    Column("changes", _("Entry or changes")),
    Column("reason", _("Reason")),
    Column("who", _("Recorded by")),
]
SEARCH_KIND_LABELS = {
    "uprn": _("a UPRN"),
    "postcode": _("a postcode"),
    "elector_number": _("an elector number"),
    "outward_postcode": _("the first part of a postcode"),
    "text": _("a name or address"),
}


def _context(request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "current": "register",
        "field_error": field_error,
        "field_value": field_value,
        "today": timezone.localdate(),
        **extra,
    }


def field_value(form: forms.Form, name: str) -> Any:
    """The value to show in an input: what was typed, or the initial value formatted for it."""
    if form.is_bound:
        return form.data.get(name, "")
    value = form[name].value()
    if isinstance(value, dt.date):
        return f"{value.day}/{value.month}/{value.year}"
    return "" if value is None else value


def _service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form so the error summary shows it."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            if name in form.fields:
                form.add_error(name, errors)
            else:
                form.add_error(
                    None, [f"{name.replace('_', ' ').capitalize()}: {m}" for e in errors for m in e.messages]
                )
    else:
        form.add_error(None, error.messages)


def _errors(form: forms.Form) -> list[dict[str, str]]:
    return error_list(form) if form.is_bound and form.errors else []


# ---- home, dashboard and search -------------------------------------------------------------


@permission_required(Permission.VIEW_REGISTER)
@require_GET
def register_home(request: HttpRequest) -> HttpResponse:
    figures = selectors.register_dashboard_for_user(request.user)
    charts = [
        {
            "id": "chart-wards",
            "title": _("Electors by ward"),
            "bars": selectors.bar_chart(figures["wards"], "electors"),
        },
    ]
    if figures["parishes"]:
        charts.append(
            {
                "id": "chart-parishes",
                "title": _("Electors by parish"),
                "bars": selectors.bar_chart(figures["parishes"], "electors"),
            }
        )
    charts.append(
        {
            "id": "chart-absent",
            "title": _("Postal voters by ward"),
            "bars": selectors.bar_chart(figures["wards"], "postal"),
        }
    )
    return render(
        request,
        "register/home.html",
        _context(request, _("Register"), figures=figures, charts=charts, form=SearchForm()),
    )


@permission_required(Permission.VIEW_REGISTER)
@require_GET
def register_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(data=request.GET or None)
    table = parsed = None
    more_than_cap = False
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"]
        parsed = selectors.parse_register_query(query)
        results = selectors.elector_search_results_for_user(
            request.user, query, include_deleted=form.cleaned_data["include_deleted"]
        )
        more_than_cap = results.more
        table = build_table(
            request, selectors.with_number_key(results.electors), SEARCH_COLUMNS, "name", 50, count=results.count
        )
    return render(
        request,
        "register/search.html",
        _context(
            request,
            _("Search the register"),
            form=form,
            table=table,
            searched_as=[SEARCH_KIND_LABELS[k] for k in parsed.kinds] if parsed else [],
            more_than_cap=more_than_cap,
            results_cap=selectors.SEARCH_RESULTS_CAP,
            error_list=_errors(form),
        ),
    )


# ---- electors -------------------------------------------------------------------------------


@permission_required(Permission.VIEW_REGISTER)
@require_GET
def elector_detail(request: HttpRequest, elector_id: int) -> HttpResponse:
    user: Any = request.user
    elector = selectors.elector_for_user(user, elector_id)
    events = audit_events_for_user(user, object_type="register.elector", object_id=str(elector.pk))
    history = list(selectors.alterations_of_elector(elector)[:HISTORY_LIMIT])
    changes = selectors.entry_changes(history)
    audit_query = f"object_type=register.elector&object_id={elector.pk}"
    return render(
        request,
        "register/elector.html",
        _context(
            request,
            elector.elector_number_display,
            elector=elector,
            history=[(a, changes.get(a.pk, [])) for a in history],
            events=list(events[:HISTORY_LIMIT]),
            event_count=events.count(),
            audit_href=f"{reverse('audit:list')}?{audit_query}"
            if user.has_ems_permission(Permission.VIEW_AUDIT)
            else "",
            can_edit=user.has_ems_permission(Permission.EDIT_REGISTER),
            age=franchise.age_on(elector.date_of_birth, timezone.localdate()) if elector.date_of_birth else None,
        ),
    )


@permission_required(Permission.EDIT_REGISTER)
@require_http_methods(["GET", "POST"])
def elector_amend(request: HttpRequest, elector_id: int) -> HttpResponse:
    elector = selectors.elector_for_user(request.user, elector_id)
    if elector.deleted_on is not None:
        messages.info(request, _("This elector has been deleted from the register, so the entry cannot be amended."))
        return redirect("register:elector", elector_id=elector.pk)
    form = ElectorAmendForm(data=request.POST if request.method == "POST" else None, elector=elector)
    if form.is_bound and form.is_valid():
        try:
            alterations.elector_amend(
                acting_user=request.user,  # type: ignore[arg-type]
                elector=elector,
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
                effective_date=form.cleaned_data["effective_date"],
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The entry was amended. The change is on the notice of alteration."))
            return redirect("register:elector", elector_id=elector.pk)
    return render(
        request,
        "register/elector_form.html",
        _context(
            request,
            _("Amend %(number)s") % {"number": elector.elector_number_display},
            form=form,
            elector=elector,
            prop=elector.property,
            error_list=_errors(form),
            mode="amend",
        ),
    )


@permission_required(Permission.EDIT_REGISTER)
@require_http_methods(["GET", "POST"])
def elector_delete(request: HttpRequest, elector_id: int) -> HttpResponse:
    elector = selectors.elector_for_user(request.user, elector_id)
    if elector.deleted_on is not None:
        messages.info(request, _("This elector has already been deleted from the register."))
        return redirect("register:elector", elector_id=elector.pk)
    form = ElectorDeleteForm(data=request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            alterations.elector_delete(
                acting_user=request.user,  # type: ignore[arg-type]
                elector=elector,
                reason=form.cleaned_data["reason"],
                effective_date=form.cleaned_data["effective_date"],
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The entry will be deleted when the notice of alteration is published."))
            return redirect("register:elector", elector_id=elector.pk)
    return render(
        request,
        "register/elector_delete.html",
        _context(
            request,
            _("Delete %(number)s") % {"number": elector.elector_number_display},
            form=form,
            elector=elector,
            error_list=_errors(form),
        ),
    )


# ---- properties -----------------------------------------------------------------------------


@permission_required(Permission.VIEW_REGISTER)
@require_GET
def property_detail(request: HttpRequest, property_id: int) -> HttpResponse:
    user: Any = request.user
    prop = selectors.property_for_user(user, property_id)
    current, past = selectors.residents_of(prop)
    history = list(selectors.alterations_at_property(prop)[:HISTORY_LIMIT])
    changes = selectors.entry_changes(history)
    return render(
        request,
        "register/property.html",
        _context(
            request,
            prop.address_1,
            prop=prop,
            address=[
                line
                for line in (prop.address_1, prop.address_2, prop.address_3, prop.address_4, prop.address_5)
                if line
            ],
            current_residents=current,
            past_residents=past,
            history=[(a, changes.get(a.pk, [])) for a in history],
            can_edit=user.has_ems_permission(Permission.EDIT_REGISTER),
        ),
    )


@permission_required(Permission.EDIT_REGISTER)
@require_http_methods(["GET", "POST"])
def elector_add(request: HttpRequest, property_id: int) -> HttpResponse:
    user: Any = request.user
    prop = selectors.property_for_user(user, property_id)
    districts = selectors.districts_for_user(user)
    form = ElectorAddForm(
        data=request.POST if request.method == "POST" else None,
        districts=districts,
        initial={"polling_district": prop.polling_district_id},
    )
    if form.is_bound and form.is_valid():
        details = form.details()
        try:
            elector = alterations.elector_add(
                acting_user=user,
                authority=user.authority,
                polling_district=form.cleaned_data["polling_district"],
                property=prop,
                reason=form.cleaned_data["reason"],
                effective_date=form.cleaned_data["effective_date"],
                **details,
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was added as %(number)s. The addition is on the notice of alteration.")
                % {"name": f"{elector.first_names} {elector.surname}", "number": elector.elector_number_display},
            )
            return redirect("register:elector", elector_id=elector.pk)
    return render(
        request,
        "register/elector_form.html",
        _context(
            request,
            _("Add an elector at %(address)s") % {"address": prop.address_1},
            form=form,
            elector=None,
            prop=prop,
            error_list=_errors(form),
            mode="add",
            district_items=[{"value": "", "text": _("Choose a polling district")}]
            + [
                {
                    "value": str(d.pk),
                    "text": f"{d.code} {d.name}",
                    "selected": str(d.pk) == str(field_value(form, "polling_district")),
                }
                for d in districts
            ],
        ),
    )


# ---- notices --------------------------------------------------------------------------------


@permission_required(Permission.VIEW_REGISTER)
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request, selectors.notices_for_user(request.user), NOTICE_COLUMNS, "-effective_date", per_page=25
    )
    return render(request, "register/notices.html", _context(request, _("Notices of alteration"), table=table))


@permission_required(Permission.VIEW_REGISTER)
@require_GET
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    user: Any = request.user
    notice = selectors.notice_for_user(user, notice_id)
    table = build_table(request, selectors.notice_alterations(notice), NOTICE_ALTERATION_COLUMNS, "kind", per_page=50)
    changes = selectors.entry_changes(list(table.page.object_list))
    counts = dict(selectors.notice_alterations(notice).order_by().values_list("kind").annotate(n=Count("pk")))
    return render(
        request,
        "register/notice.html",
        _context(
            request,
            str(notice),
            notice=notice,
            table=table,
            changes=changes,
            counts=counts,
            can_publish=notice.state == NoticeState.DRAFT and user.has_ems_permission(Permission.EDIT_REGISTER),
        ),
    )


@permission_required(Permission.EDIT_REGISTER)
@require_http_methods(["GET", "POST"])
def notice_publish(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_for_user(request.user, notice_id)
    form = PublishForm(data=request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            alterations.notice_publish(acting_user=request.user, notice=notice)  # type: ignore[arg-type]
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("%(notice)s is published.") % {"notice": notice})
            return redirect("register:notice", notice_id=notice.pk)
    return render(
        request,
        "register/notice_publish.html",
        _context(request, _("Publish %(notice)s") % {"notice": notice}, notice=notice, error_list=_errors(form)),
    )


# ---- bulk changes ---------------------------------------------------------------------------


def _bulk_candidates(user: Any, data: dict[str, Any]) -> QuerySet[Elector]:
    """Exactly the current electors the change would alter (those it would not change are left out)."""
    electors = Elector.records.filter(
        authority_id=user.authority_id, polling_district=data["polling_district"], deleted_on__isnull=True
    ).select_related("polling_district", "property")
    if data["has_marker"]:
        electors = electors.filter(markers__contains=data["has_marker"])
    action, marker = data["action"], data["marker"]
    if action == BulkAction.ADD_MARKER:
        electors = electors.exclude(markers__contains=marker)
    elif action == BulkAction.REMOVE_MARKER:
        electors = electors.filter(markers__contains=marker)
    elif action == BulkAction.OPT_OUT:
        electors = electors.filter(open_register_opt_out=False)
    else:
        # Anonymous electors and under-16s are always opted out (registration.md §1.5).
        sixteen = franchise.add_years(timezone.localdate(), -16)
        electors = electors.filter(open_register_opt_out=True, is_anonymous=False).exclude(date_of_birth__gt=sixteen)
    return electors.order_by("elector_number", "elector_suffix", "pk")


def _bulk_change(elector: Elector, action: str, marker: str) -> dict[str, Any]:
    if action == BulkAction.ADD_MARKER:
        return {"markers": elector.markers + marker}
    if action == BulkAction.REMOVE_MARKER:
        return {"markers": elector.markers.replace(marker, "")}
    return {"open_register_opt_out": action == BulkAction.OPT_OUT}


def _bulk_token(data: dict[str, Any], ids: list[int]) -> str:
    """Fingerprint of the previewed change: applying refuses if the set has changed since."""
    text = f"{data['action']}:{data['marker']}:{','.join(map(str, ids))}"
    return hashlib.sha256(text.encode()).hexdigest()


def _bulk_form(request: HttpRequest, data: Any) -> BulkForm:
    return BulkForm(data=data, districts=selectors.districts_for_user(request.user))


def _bulk_page(request: HttpRequest, form: BulkForm) -> HttpResponse:
    return render(
        request,
        "register/bulk.html",
        _context(request, _("Bulk changes"), form=form, error_list=_errors(form), limit=BULK_LIMIT),
    )


@permission_required(Permission.EDIT_REGISTER)
@require_GET
def bulk_start(request: HttpRequest) -> HttpResponse:
    return _bulk_page(request, _bulk_form(request, None))


@permission_required(Permission.EDIT_REGISTER)
@require_http_methods(["GET", "POST"])
def bulk_preview(request: HttpRequest) -> HttpResponse:
    """GET: who exactly would change (nothing is written). POST: apply that change, all or nothing."""
    if request.method == "GET" and not request.GET:
        return redirect("register:bulk")
    form = _bulk_form(request, request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return _bulk_page(request, form)
    data = form.cleaned_data
    candidates = _bulk_candidates(request.user, data)
    count = candidates.count()
    if count > BULK_LIMIT:
        form.add_error(
            None,
            _("%(count)s electors match: a bulk change may alter at most %(limit)s. Narrow the filter.")
            % {"count": f"{count:,}", "limit": f"{BULK_LIMIT:,}"},
        )
        return _bulk_page(request, form)
    electors = list(candidates)
    token = _bulk_token(data, [e.pk for e in electors])
    if request.method == "POST":
        if request.POST.get("token") != token:
            form.add_error(
                None, _("The register has changed since the preview. Check the new preview and confirm again.")
            )
        elif not electors:
            form.add_error(None, _("Nobody would change: there is nothing to apply."))
        else:
            try:
                with transaction.atomic():
                    for elector in electors:
                        alterations.elector_amend(
                            acting_user=request.user,  # type: ignore[arg-type]
                            elector=elector,
                            changes=_bulk_change(elector, data["action"], data["marker"]),
                            reason=data["reason"],
                        )
            except ValidationError as error:
                _service_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(count)s electors in %(district)s were changed.")
                    % {"count": f"{len(electors):,}", "district": data["polling_district"].code},
                )
                return redirect("register:bulk")
    action_label = dict(BulkAction.CHOICES)[data["action"]]
    return render(
        request,
        "register/bulk_preview.html",
        _context(
            request,
            _("Check the bulk change"),
            form=form,
            data=data,
            action_label=action_label,
            electors=electors,
            previews=[(e, _bulk_change(e, data["action"], data["marker"])) for e in electors],
            token=token,
            error_list=_errors(form),
            limit=BULK_LIMIT,
            hidden={
                "polling_district": data["polling_district"].code,
                "has_marker": data["has_marker"],
                "action": data["action"],
                "marker": data["marker"],
                "reason": data["reason"],
            },
        ),
    )
