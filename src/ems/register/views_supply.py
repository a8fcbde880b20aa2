"""Supply and sale of the register: the request form, the supply log (with CSV export), delivery."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ems.accounts.decorators import permission_required
from ems.accounts.roles import Permission
from ems.core.forms import error_list, field_error
from ems.core.tables import Column, build_table
from ems_rules import fees
from ems_rules.supply import RULES

from . import services_supply_sale as services
from .models import SupplyRequest

COLUMNS = [
    Column("reference", gettext_lazy("Reference"), "reference"),
    Column("recipient", gettext_lazy("Recipient"), "recipient_name"),
    Column("document", gettext_lazy("Document"), "document"),
    Column("as_at", gettext_lazy("As at"), "as_at"),
    Column("state", gettext_lazy("State"), "state"),
    Column("fee", gettext_lazy("Fee")),
    Column("created_at", gettext_lazy("Requested"), "created_at"),
]


class SupplyRequestForm(forms.Form):
    recipient_name = forms.CharField(
        max_length=200, error_messages={"required": gettext_lazy("Enter who the register is for")}
    )
    recipient_organisation = forms.CharField(max_length=200, required=False)
    recipient_email = forms.EmailField(
        required=False, error_messages={"invalid": gettext_lazy("Enter an email address like name@example.com")}
    )
    entitlement = forms.ChoiceField(
        choices=[(k.value, r.label) for k, r in RULES.items()],
        error_messages={
            "required": gettext_lazy("Choose why the recipient is entitled"),
            "invalid_choice": gettext_lazy("Choose why the recipient is entitled"),
        },
    )
    document = forms.ChoiceField(
        choices=[("full", gettext_lazy("Full register")), ("open", gettext_lazy("Open register"))],
        error_messages={
            "required": gettext_lazy("Choose the document"),
            "invalid_choice": gettext_lazy("Choose the document"),
        },
    )
    form = forms.ChoiceField(
        choices=[("data", gettext_lazy("Data")), ("printed", gettext_lazy("Printed"))],
        error_messages={
            "required": gettext_lazy("Choose data or printed"),
            "invalid_choice": gettext_lazy("Choose data or printed"),
        },
    )
    as_at = forms.DateField(
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": gettext_lazy("Enter the register date"),
            "invalid": gettext_lazy("Enter the register date as DD/MM/YYYY"),
        },
    )
    district_codes = forms.CharField(max_length=500, required=False)
    notes = forms.CharField(max_length=2000, required=False, widget=forms.Textarea)


def _scope(request: HttpRequest) -> Any:
    user: Any = request.user
    return SupplyRequest.objects.filter(authority_id=user.authority_id)


def _fee(supply: SupplyRequest) -> str:
    if supply.free:
        return _("Free")
    return fees.format_pounds(supply.fee_pence) if supply.fee_pence is not None else _("On supply")


@permission_required(Permission.VIEW_REGISTER)
@require_GET
def supply_log(request: HttpRequest) -> HttpResponse:
    table = build_table(request, _scope(request), COLUMNS, "-created_at", per_page=50)
    return render(
        request,
        "register/supply_log.html",
        {"table": table, "title": _("Supply of the register"), "current": "register", "fee": _fee, "rules": RULES},
    )


@permission_required(Permission.VIEW_REGISTER)
@require_GET
def supply_log_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="supply-log.csv"'
    writer = csv.writer(response)
    writer.writerow(["Reference", "Recipient", "Organisation", "Entitlement", "Document", "Form", "As at",
                     "Districts", "Free", "Entries", "Fee", "State", "Requested", "Supplied"])  # fmt: skip
    for s in _scope(request).order_by("created_at"):
        writer.writerow([
            s.reference, s.recipient_name, s.recipient_organisation, s.entitlement, s.document, s.form,
            s.as_at.isoformat(), " ".join(s.district_codes), "yes" if s.free else "no", s.entries or "", _fee(s),
            s.get_state_display(), s.created_at.isoformat(), s.delivered_at.isoformat() if s.delivered_at else "",
        ])  # fmt: skip
    return response


@permission_required(Permission.EDIT_REGISTER)
@require_http_methods(["GET", "POST"])
def supply_new(request: HttpRequest) -> HttpResponse:
    form = SupplyRequestForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            supply = services.supply_request_create(
                acting_user=request.user,  # type: ignore[arg-type]
                authority=getattr(request.user, "authority", None),  # type: ignore[arg-type]
                recipient_name=data["recipient_name"],
                recipient_organisation=data["recipient_organisation"],
                recipient_email=data["recipient_email"],
                entitlement=data["entitlement"],
                document=data["document"],
                form=data["form"],
                as_at=data["as_at"],
                district_codes=data["district_codes"].replace(",", " ").split(),
                notes=data["notes"],
            )
        except ValidationError as exc:
            for name, errors in getattr(exc, "error_dict", {"__all__": exc.error_list}).items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Request %(ref)s recorded") % {"ref": supply.reference})
            return redirect("register:supply", supply_id=supply.pk)
    return render(
        request,
        "register/supply_new.html",
        {
            "form": form, "title": _("Record a request for the register"), "current": "register",
            "error_list": error_list(form) if form.is_bound and form.errors else [], "field_error": field_error,
            "rules": RULES, "today": dt.date.today(),
        },
    )  # fmt: skip


@permission_required(Permission.VIEW_REGISTER)
@require_GET
def supply_detail(request: HttpRequest, supply_id: int) -> HttpResponse:
    supply = get_object_or_404(_scope(request), pk=supply_id)
    return render(
        request,
        "register/supply_detail.html",
        {"supply": supply, "title": supply.reference, "current": "register", "fee": _fee(supply),
         "rule": RULES.get(supply.entitlement)},
    )  # fmt: skip


@permission_required(Permission.EDIT_REGISTER)
@require_POST
def supply_deliver(request: HttpRequest, supply_id: int) -> HttpResponse:
    supply = get_object_or_404(_scope(request), pk=supply_id)
    try:
        result = services.supply_request_deliver(acting_user=request.user, request=supply)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("register:supply", supply_id=supply.pk)
    supply.refresh_from_db()
    return render(
        request,
        "register/supply_delivered.html",
        {"supply": supply, "result": result, "title": _("Package ready"), "current": "register"},
    )


@permission_required(Permission.EDIT_REGISTER)
@require_GET
def supply_package(request: HttpRequest, supply_id: int) -> FileResponse:
    supply = get_object_or_404(_scope(request), pk=supply_id)
    base = Path(settings.JOB_FILES_DIR).resolve()
    path = (base / supply.package_path).resolve() if supply.package_path else None
    if path is None or base not in path.parents or not path.is_file():
        raise Http404("No package for this request")
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
