"""Forms for the officers' register pages. They only check input; the services do every write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ems.geography.models import PollingDistrict

from .models import AbsentVote, FranchiseMarker, Nationality, SpecialCategory

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"]
DATE_HINT = _("For example, 27/3/2007")
BULK_LIMIT = 5_000


def _date(label: Any, hint: Any = DATE_HINT, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=hint,
        error_messages={
            "invalid": _("%(label)s must be a real date, for example 27/3/2007") % {"label": label},
            "required": _("Enter %(label)s") % {"label": str(label).lower()},
        },
    )


def known_marker_codes() -> set[str]:
    return {code.upper() for code in FranchiseMarker.objects.values_list("code", flat=True) if len(code) == 1}


def clean_markers(raw: str) -> str:
    """Markers as stored: upper-case letters, each once, each a known franchise marker."""
    letters = [c for c in (raw or "").upper() if not c.isspace() and c not in ",;/"]
    if any(not c.isalpha() for c in letters):
        raise forms.ValidationError(_("Markers must be letters, for example G or K"))
    known = known_marker_codes()
    unknown = sorted({c for c in letters if c not in known})
    if unknown:
        raise forms.ValidationError(
            _("%(codes)s is not a franchise marker; use one of %(known)s")
            % {"codes": ", ".join(unknown), "known": ", ".join(sorted(known))}
        )
    out = "".join(dict.fromkeys(letters))
    if len(out) > 10:
        raise forms.ValidationError(_("Enter at most 10 markers"))
    return out


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        help_text=_("This is recorded on the alteration and in the audit trail"),
        error_messages={
            "required": _("Enter a reason for the change"),
            "max_length": _("The reason must be 300 characters or fewer"),
        },
    )
    effective_date = _date(
        _("Effective date"),
        hint=_("Leave blank to publish on the next monthly notice of alteration. For example, 1/6/2026"),
    )

    def clean_reason(self) -> str:
        reason = " ".join(str(self.cleaned_data.get("reason") or "").split())
        if not reason:
            raise forms.ValidationError(_("Enter a reason for the change"))
        return reason


class ElectorDetailsForm(ReasonMixin, forms.Form):
    """The fields of an entry an officer may set (``services_alterations.AMENDABLE``)."""

    title = forms.CharField(label=_("Title"), max_length=20, required=False)
    first_names = forms.CharField(
        label=_("First names"), max_length=150, error_messages={"required": _("Enter the elector's first names")}
    )
    surname = forms.CharField(label=_("Surname"), max_length=150, error_messages={"required": _("Enter the surname")})
    previous_names = forms.CharField(label=_("Previous names"), max_length=300, required=False)
    date_of_birth = _date(_("Date of birth"))
    nationality = forms.ChoiceField(label=_("Nationality"), choices=Nationality.choices, required=False)
    markers = forms.CharField(
        label=_("Franchise markers"),
        max_length=20,
        required=False,
        help_text=_("Letters such as G, K or F; leave blank for none"),
    )
    attainer_date = _date(_("Attainer date"), hint=_("The date they reach voting age, if an attainer"))
    open_register_opt_out = forms.BooleanField(label=_("Opted out of the open register"), required=False)
    special_category = forms.ChoiceField(label=_("Special category"), choices=SpecialCategory.choices, required=False)
    special_category_expires = _date(_("Special category declaration expires"))
    absent_vote = forms.ChoiceField(label=_("Absent vote"), choices=AbsentVote.choices, required=False)
    absent_vote_from = _date(_("Absent vote from"))
    absent_vote_until = _date(_("Absent vote until"))
    proxy_name = forms.CharField(label=_("Proxy's name"), max_length=200, required=False)
    proxy_address = forms.CharField(label=_("Proxy's address"), max_length=400, required=False)
    ballot_address = forms.CharField(label=_("Address for postal ballots"), max_length=400, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea)

    # Fields passed to the services (everything but reason and effective date).
    DETAIL_FIELDS = (
        "title",
        "first_names",
        "surname",
        "previous_names",
        "date_of_birth",
        "nationality",
        "markers",
        "attainer_date",
        "open_register_opt_out",
        "special_category",
        "special_category_expires",
        "absent_vote",
        "absent_vote_from",
        "absent_vote_until",
        "proxy_name",
        "proxy_address",
        "ballot_address",
        "notes",
    )

    def clean_markers(self) -> str:
        return clean_markers(self.cleaned_data.get("markers", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("title", "first_names", "surname", "previous_names", "proxy_name"):
            if isinstance(data.get(name), str):
                data[name] = " ".join(data[name].split())
        today = timezone.localdate()
        dob = data.get("date_of_birth")
        if dob is not None and dob > today:
            self.add_error("date_of_birth", _("Date of birth must be in the past"))
        attainer = data.get("attainer_date")
        if dob is not None and attainer is not None and attainer <= dob:
            self.add_error("attainer_date", _("Attainer date must be after the date of birth"))
        if data.get("special_category_expires") and not data.get("special_category"):
            self.add_error("special_category_expires", _("Only a special category elector has a declaration expiry"))
        start, end = data.get("absent_vote_from"), data.get("absent_vote_until")
        if start and end and end < start:
            self.add_error("absent_vote_until", _("Absent vote until must be on or after absent vote from"))
        if (start or end) and not data.get("absent_vote"):
            self.add_error("absent_vote", _("Choose the kind of absent vote, or clear its dates"))
        proxy = data.get("absent_vote") in (AbsentVote.PROXY, AbsentVote.POSTAL_PROXY)
        if proxy and not data.get("proxy_name"):
            self.add_error("proxy_name", _("Enter the proxy's name"))
        return data

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.DETAIL_FIELDS}


class ElectorAmendForm(ElectorDetailsForm):
    def __init__(self, *args: Any, elector: Any, **kwargs: Any) -> None:
        self.elector = elector
        if not kwargs.get("data") and not args:
            kwargs["initial"] = {name: getattr(elector, name) for name in self.DETAIL_FIELDS}
        super().__init__(*args, **kwargs)

    def changes(self) -> dict[str, Any]:
        """Only what differs from the entry now (blank and missing count as the same)."""
        return {
            name: value
            for name, value in self.details().items()
            if (value or _blank(value)) != (getattr(self.elector, name) or _blank(value))
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not self.changes():
            raise forms.ValidationError(_("You have not changed anything: change a detail or cancel"))
        return data


def _blank(value: Any) -> Any:
    return "" if isinstance(value, str) else (False if isinstance(value, bool) else None)


class ElectorAddForm(ElectorDetailsForm):
    polling_district = forms.ModelChoiceField(
        label=_("Polling district"),
        queryset=PollingDistrict.objects.none(),
        error_messages={"required": _("Choose the polling district"), "invalid_choice": _("Choose a polling district")},
    )

    def __init__(self, *args: Any, districts: QuerySet[PollingDistrict], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["polling_district"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = districts
        self.order_fields(["polling_district"])


class ElectorDeleteForm(ReasonMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm this entry should be deleted from the register"),
        error_messages={"required": _("Confirm that this entry should be deleted")},
    )


class PublishForm(forms.Form):
    publish = forms.ChoiceField(choices=[("yes", "yes")], error_messages={"required": _("Use the publish button")})


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the register"), max_length=200, required=False)
    include_deleted = forms.BooleanField(label=_("Include deleted electors"), required=False)


class BulkAction:
    ADD_MARKER = "add_marker"
    REMOVE_MARKER = "remove_marker"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"

    CHOICES = [
        (ADD_MARKER, _("Add a franchise marker")),
        (REMOVE_MARKER, _("Remove a franchise marker")),
        (OPT_OUT, _("Opt out of the open register")),
        (OPT_IN, _("Opt in to the open register")),
    ]


class BulkForm(forms.Form):
    polling_district = forms.ModelChoiceField(
        label=_("Polling district"),
        queryset=PollingDistrict.objects.none(),
        to_field_name="code",
        error_messages={"required": _("Choose the polling district"), "invalid_choice": _("Choose a polling district")},
    )
    has_marker = forms.CharField(
        label=_("Only electors with this marker (optional)"),
        max_length=1,
        required=False,
        help_text=_("For example, G"),
    )
    action = forms.ChoiceField(
        label=_("Change"),
        choices=BulkAction.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the change to make"), "invalid_choice": _("Choose the change to make")},
    )
    marker = forms.CharField(
        label=_("Marker to add or remove"),
        max_length=1,
        required=False,
        help_text=_("For example, B"),
    )
    reason = ReasonMixin.base_fields["reason"]
    clean_reason = ReasonMixin.clean_reason

    def __init__(self, *args: Any, districts: QuerySet[PollingDistrict], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["polling_district"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = districts

    def clean_has_marker(self) -> str:
        return clean_markers(self.cleaned_data.get("has_marker", ""))

    def clean_marker(self) -> str:
        return clean_markers(self.cleaned_data.get("marker", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        marker_action = data.get("action") in (BulkAction.ADD_MARKER, BulkAction.REMOVE_MARKER)
        if marker_action and not data.get("marker") and "marker" not in self.errors:
            self.add_error("marker", _("Enter the marker to add or remove"))
        return data
