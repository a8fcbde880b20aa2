"""Forms for the polling pages, rendered with the GOV.UK macros."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from . import law


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked and want to go ahead"),
        error_messages={"required": _("Tick the box to confirm")},
    )


class SignOffForm(forms.Form):
    exclusions_reviewed = forms.BooleanField(
        label=_("I have reviewed the electors excluded because they were added after the registration deadline"),
        required=False,
    )
    confirm = forms.BooleanField(
        label=_("I sign off this eligibility list: poll cards, postal packs and polling station registers will be "
                "produced from it"),
        error_messages={"required": _("Tick the box to sign off")},
    )  # fmt: skip
    note = forms.CharField(label=_("Note for the audit trail (optional)"), required=False, max_length=2000)


class LateEntryForm(forms.Form):
    elector_number = forms.CharField(
        label=_("Elector number"),
        max_length=30,
        help_text=_("As printed on the register, for example AA-12 or AA-12/1"),
        error_messages={"required": _("Enter the elector number")},
    )
    basis = forms.ChoiceField(
        label=_("Legal exception"),
        choices=[],
        error_messages={"required": _("Choose the legal exception that applies")},
    )
    ballot = forms.ChoiceField(label=_("Ballot"), choices=[], required=False)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        help_text=_("The court order, application or correction reference"),
        error_messages={"required": _("Enter the reference")},
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args: Any, ballots: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["basis"]).choices = law.late_basis_choices()
        cast(forms.ChoiceField, self.fields["ballot"]).choices = [("", str(_("Every ballot of the poll"))), *ballots]


class AllocationForm(forms.Form):
    district = forms.ChoiceField(
        label=_("Polling district"), choices=[], error_messages={"required": _("Choose a polling district")}
    )
    station = forms.ChoiceField(
        label=_("Polling station"), choices=[], error_messages={"required": _("Choose a polling station")}
    )
    from_number = forms.IntegerField(
        label=_("From elector number (optional)"),
        required=False,
        min_value=1,
        help_text=_("Only to split a district between stations"),
        error_messages={"invalid": _("Enter a whole number"), "min_value": _("Enter a number of 1 or more")},
    )
    to_number = forms.IntegerField(
        label=_("To elector number (optional)"),
        required=False,
        min_value=1,
        error_messages={"invalid": _("Enter a whole number"), "min_value": _("Enter a number of 1 or more")},
    )

    def __init__(
        self, *args: Any, districts: list[tuple[str, str]], stations: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["district"]).choices = [("", ""), *districts]
        cast(forms.ChoiceField, self.fields["station"]).choices = [("", ""), *stations]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from_number"), data.get("to_number")
        if (start is None) != (end is None) and not self.errors.get("from_number") and not self.errors.get("to_number"):
            self.add_error("from_number", _("Give both ends of the elector number range, or neither"))
        elif start is not None and end is not None and start > end:
            self.add_error("from_number", _("The range must start at or before its end"))
        return data


class MoneyField(forms.CharField):
    """Pounds and pence typed as "120" or "120.50", stored in pence."""

    def to_python(self, value: Any) -> int:  # type: ignore[override]
        text = str(value or "").strip().lstrip("£").replace(",", "")
        if not text:
            return 0
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("Enter an amount in pounds, like 120 or 120.50")) from None
        if amount < 0 or amount > Decimal("1000000") or amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Enter an amount in pounds, like 120 or 120.50"))
        return int(amount * 100)


class StationDetailsForm(forms.Form):
    surveyed_on = forms.DateField(
        label=_("Date of the accessibility survey"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("For example 14/3/2027"),
        error_messages={"invalid": _("Enter a real date, like 14/3/2027")},
    )
    surveyed_by = forms.CharField(label=_("Surveyed by"), required=False, max_length=200)
    step_free = forms.BooleanField(label=_("Step-free access (or a ramp)"), required=False)
    accessible_parking = forms.BooleanField(label=_("Accessible parking"), required=False)
    hearing_loop = forms.BooleanField(label=_("Hearing loop"), required=False)
    accessible_toilet = forms.BooleanField(label=_("Accessible toilet"), required=False)
    private_id_area = forms.BooleanField(label=_("Private area for photo ID checks"), required=False)
    lighting_ok = forms.BooleanField(label=_("Adequate lighting, inside and out"), required=False)
    survey_notes = forms.CharField(label=_("Survey notes"), required=False, max_length=4000, widget=forms.Textarea)
    booths = forms.IntegerField(
        label=_("Voting compartments the room takes"), required=False, min_value=0, max_value=50,
        error_messages={"invalid": _("Enter a whole number")},
    )  # fmt: skip
    max_staff = forms.IntegerField(
        label=_("Staff the room takes"), required=False, min_value=0, max_value=50,
        error_messages={"invalid": _("Enter a whole number")},
    )  # fmt: skip
    contact_name = forms.CharField(label=_("Venue contact"), required=False, max_length=200)
    contact_phone = forms.CharField(label=_("Contact telephone"), required=False, max_length=40)
    contact_email = forms.EmailField(
        label=_("Contact email"), required=False, error_messages={"invalid": _("Enter a real email address")}
    )
    keyholder = forms.CharField(label=_("Keyholder"), required=False, max_length=200)
    hire_cost = MoneyField(label=_("Hire cost (£)"), required=False)
    other_costs = MoneyField(label=_("Other costs (£)"), required=False)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["hire_cost_pence"] = data.pop("hire_cost") or 0
        data["other_costs_pence"] = data.pop("other_costs") or 0
        data["booths"] = data.get("booths") or 0
        data["max_staff"] = data.get("max_staff") or 0
        return data


class PollCardsForm(forms.Form):
    formats = forms.MultipleChoiceField(
        label=_("Produce"),
        choices=[
            ("csv", _("Print-supplier data file (CSV)")),
            ("pdf", _("Print-ready PDF, two cards to an A4 page, per polling district")),
        ],
        error_messages={"required": _("Choose the CSV file, the PDF, or both")},
    )
    confirm = forms.BooleanField(
        label=_("I have checked and want to go ahead"),
        error_messages={"required": _("Tick the box to confirm")},
    )
