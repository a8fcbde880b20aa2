"""Forms for the elections pages. They only check input; the services decide and write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ems.core.models import Nation

from .models import Affiliation, CombinedFunction, DepositMethod, ElectionType, NoticeKind

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%I:%M%p", "%I:%M %p", "%I%p", "%I %p", "%I.%M%p"]
DATE_HINT = _("For example, 6/5/2027")
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
TIME_HINT = _("For example, 15:30 or 3:30pm. Leave blank for now")


def _choices(field: forms.Field, choices: list[tuple[str, Any]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def date_field(label: Any, *, required: bool = False, hint: Any = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=hint,
        error_messages={
            "invalid": _("%(label)s must be a real date, for example 6/5/2027") % {"label": label},
            "required": _("Enter %(label)s") % {"label": str(label).lower()},
        },
    )


class _TimeField(forms.TimeField):
    def to_python(self, value: Any) -> dt.time | None:
        if isinstance(value, str):
            value = value.strip().replace(" ", "").lower().replace("am", "AM").replace("pm", "PM")
        return super().to_python(value)


def time_field(label: Any, *, hint: Any = TIME_HINT) -> forms.TimeField:
    return _TimeField(
        label=label,
        required=False,
        input_formats=TIME_FORMATS,
        help_text=hint,
        error_messages={"invalid": _("%(label)s must be a time, for example 15:30 or 3:30pm") % {"label": label}},
    )


def _whole(label: Any, minimum: int, maximum: int, initial: int | None = None, required: bool = True) -> forms.Field:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        initial=initial,
        required=required,
        error_messages={
            "invalid": _("%(label)s must be a whole number") % {"label": label},
            "required": _("Enter %(label)s") % {"label": str(label).lower()},
            "min_value": _("%(label)s must be %(n)s or more") % {"label": label, "n": minimum},
            "max_value": _("%(label)s must be %(n)s or fewer") % {"label": label, "n": maximum},
        },
    )


class ReceivedMixin(forms.Form):
    """When a document was received: blank means now."""

    received_date = date_field(_("Date received"), hint=_("Leave blank for today. For example, 8/4/2027"))
    received_time = time_field(_("Time received"))

    def received_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("received_date")
        time = self.cleaned_data.get("received_time")
        if day is None and time is None:
            return None
        moment = dt.datetime.combine(day or timezone.localdate(), time or dt.time(12, 0))
        return timezone.make_aware(moment)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        time_missing = cleaned.get("received_time") is None and not self.errors.get("received_time")
        if cleaned.get("received_date") is not None and time_missing:
            self.add_error("received_time", _("Enter the time it was received, for example 15:30"))
        return cleaned


class ElectionCreateForm(forms.Form):
    election_type = forms.ChoiceField(
        label=_("Type of election"),
        choices=[("", _("Choose a type")), *ElectionType.choices],
        error_messages={
            "required": _("Choose the type of election"),
            "invalid_choice": _("Choose a type from the list"),
        },
    )
    nation = forms.ChoiceField(
        label=_("Nation"),
        choices=Nation.choices,
        error_messages={"required": _("Choose the nation"), "invalid_choice": _("Choose a nation from the list")},
    )
    poll_date = date_field(_("Polling day"), required=True)
    name = forms.CharField(
        label=_("Name (optional)"),
        max_length=200,
        required=False,
        help_text=_("Leave blank for a name made from the type and date"),
    )
    areas = forms.MultipleChoiceField(
        label=_("Areas with a ballot"),
        required=False,
        error_messages={"invalid_choice": _("Choose areas from the list")},
    )
    whole_area = forms.BooleanField(
        label=_("One ballot across the whole council area (mayor, PCC, referendum)"), required=False
    )
    seats = _whole(_("Seats in each ballot"), 1, 50, initial=1)
    referendum_question = forms.CharField(
        label=_("Referendum question (referendums only)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text=_("As printed on the ballot paper, answered Yes or No. Leave blank for other elections"),
    )

    def __init__(self, *args: Any, areas: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["areas"], [(str(pk), label) for pk, label in areas])

    def clean_poll_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["poll_date"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Polling day must be today or in the future"))
        if day.year > timezone.localdate().year + 6:
            raise forms.ValidationError(_("Polling day must be within the next six years"))
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("areas") and not cleaned.get("whole_area") and "areas" not in self.errors:
            self.add_error("areas", _("Choose at least one area, or one ballot across the whole council area"))
        return cleaned


class BallotAddForm(forms.Form):
    area = forms.ChoiceField(
        label=_("Area"),
        required=False,
        error_messages={"invalid_choice": _("Choose an area from the list")},
        help_text=_("Leave as 'Whole council area' for a council-wide ballot"),
    )
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)
    seats = _whole(_("Seats"), 1, 50, initial=1)
    is_by_election = forms.BooleanField(label=_("This is a by-election to fill a casual vacancy"), required=False)
    vacancy_date = date_field(_("Date the vacancy arose"))
    vacancy_notice_date = date_field(_("Date the notice of vacancy was given"))
    elector_requests = _whole(_("Written requests for an election received"), 0, 999, initial=0, required=False)
    requested_on = date_field(_("Date the request that triggered the election was received"))
    referendum_question = forms.CharField(
        label=_("Referendum question (referendums only)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text=_("As printed on the ballot paper, answered Yes or No"),
    )

    def __init__(self, *args: Any, areas: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["area"], [("", _("Whole council area"))] + [(str(pk), label) for pk, label in areas])


class SubscribersMixin(forms.Form):
    """Subscriber rows ``sub-N-number`` / ``sub-N-name``, as many as the law requires (and a few spare)."""

    rows: int

    def add_subscriber_fields(self, rows: int) -> None:
        self.rows = rows
        for i in range(1, rows + 1):
            label = _("Proposer") if i == 1 else _("Seconder") if i == 2 else _("Assentor %(n)s") % {"n": i - 2}
            self.fields[f"sub-{i}-number"] = forms.CharField(
                label=_("%(role)s: elector number") % {"role": label}, max_length=40, required=False
            )
            self.fields[f"sub-{i}-name"] = forms.CharField(
                label=_("%(role)s: name as printed") % {"role": label}, max_length=200, required=False
            )

    def subscriber_rows(self) -> list[tuple[str, str]]:
        rows = [
            (self.cleaned_data.get(f"sub-{i}-number") or "", self.cleaned_data.get(f"sub-{i}-name") or "")
            for i in range(1, self.rows + 1)
        ]
        while rows and not any(rows[-1]):
            rows.pop()
        return rows

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(f"sub-{i}-number") for i in range(1, self.rows + 1)):
            self.add_error("sub-1-number", _("Enter the subscribers' elector numbers as written on the paper"))
        return cleaned


class PaperFieldsMixin(forms.Form):
    delivered_by = forms.CharField(label=_("Delivered by"), max_length=200, required=False)
    consent_received = forms.BooleanField(label=_("Consent to nomination received"), required=False, initial=True)
    home_address_form_received = forms.BooleanField(label=_("Home address form received"), required=False, initial=True)
    certificate_of_authorisation = forms.BooleanField(
        label=_("Certificate of authorisation received (party candidates)"), required=False
    )
    emblem_request = forms.BooleanField(label=_("Request to use a party emblem received"), required=False)

    def paper_fields(self) -> dict[str, Any]:
        names = ("delivered_by", "consent_received", "home_address_form_received", "certificate_of_authorisation")
        return {
            n: self.cleaned_data.get(n) or ("" if n == "delivered_by" else False) for n in (*names, "emblem_request")
        }


class NominationForm(ReceivedMixin, PaperFieldsMixin, SubscribersMixin, forms.Form):
    surname = forms.CharField(label=_("Surname"), max_length=150, error_messages={"required": _("Enter the surname")})
    other_names = forms.CharField(
        label=_("Other names"), max_length=200, error_messages={"required": _("Enter the other names")}
    )
    commonly_used_surname = forms.CharField(label=_("Commonly used surname (if any)"), max_length=150, required=False)
    commonly_used_other_names = forms.CharField(
        label=_("Commonly used other names (if any)"), max_length=200, required=False
    )
    affiliation = forms.ChoiceField(
        label=_("Standing as"),
        choices=Affiliation.choices,
        initial=Affiliation.NONE,
        error_messages={"invalid_choice": _("Choose party, independent or no description")},
    )
    party_name = forms.CharField(label=_("Party"), max_length=200, required=False)
    list_position = _whole(_("Position on the party's list"), 1, 50, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=200, required=False, help_text=_("At most six words, as on the paper")
    )
    emblem = forms.CharField(label=_("Emblem asked for (if any)"), max_length=200, required=False)
    home_address = forms.CharField(
        label=_("Home address"), max_length=400, error_messages={"required": _("Enter the home address")}
    )
    address_withheld = forms.BooleanField(
        label=_("The candidate asked for the home address not to be made public"), required=False
    )
    address_area = forms.CharField(
        label=_("Area the home address is in"),
        max_length=200,
        required=False,
        help_text=_("Printed instead of the address when it is not made public"),
    )

    def __init__(self, *args: Any, subscribers: int, **kwargs: Any) -> None:
        # The page's order, for the error summary (the list position follows the party).
        self.field_order = [*self.CANDIDATE_FIELDS[:6], "list_position", *self.CANDIDATE_FIELDS[6:]]
        super().__init__(*args, **kwargs)
        self.add_subscriber_fields(subscribers)

    CANDIDATE_FIELDS = (
        "surname", "other_names", "commonly_used_surname", "commonly_used_other_names", "affiliation", "party_name",
        "description", "emblem", "home_address", "address_withheld", "address_area",
    )  # fmt: skip


class PaperAddForm(ReceivedMixin, PaperFieldsMixin, SubscribersMixin, forms.Form):
    def __init__(self, *args: Any, subscribers: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_subscriber_fields(subscribers)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("valid", _("Valid")), ("invalid", _("Invalid"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose valid or invalid"), "invalid_choice": _("Choose valid or invalid")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Required when the paper is invalid, or valid despite problems found by the checks"),
    )


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked and want to go ahead"),
        error_messages={"required": _("Tick the box to confirm")},
    )


class WithdrawalForm(ReceivedMixin, forms.Form):
    delivered_by = forms.CharField(label=_("Delivered by"), max_length=200, required=False)


class DepositForm(ReceivedMixin, forms.Form):
    amount = forms.CharField(
        label=_("Amount in pounds"), max_length=20, error_messages={"required": _("Enter the amount received")}
    )
    method = forms.ChoiceField(
        label=_("Paid by"),
        choices=[("", _("Choose how it was paid")), *DepositMethod.choices],
        error_messages={"required": _("Choose how it was paid"), "invalid_choice": _("Choose from the list")},
    )
    payer = forms.CharField(label=_("Paid by (name)"), max_length=200, required=False)

    def clean_amount(self) -> int:
        raw = str(self.cleaned_data["amount"]).replace("£", "").replace(",", "").strip()
        try:
            pounds = Decimal(raw)
        except InvalidOperation:
            raise forms.ValidationError(_("Enter the amount in pounds, for example 500 or 500.00")) from None
        if not pounds.is_finite() or pounds <= 0 or pounds > 1_000_000 or pounds != pounds.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Enter the amount in pounds, for example 500 or 500.00"))
        return int(pounds * 100)


class DepositSettleForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened to the deposit"),
        choices=[("returned", _("Returned")), ("forfeited", _("Forfeited"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose returned or forfeited"), "invalid_choice": _("Choose from the list")},
    )
    on = date_field(_("Date"), hint=_("Leave blank for today"))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class AgentForm(forms.Form):
    is_candidate = forms.BooleanField(label=_("The candidate is their own election agent"), required=False)
    name = forms.CharField(label=_("Agent's name"), max_length=200, required=False)
    address = forms.CharField(label=_("Agent's address"), max_length=400, required=False)
    office_address = forms.CharField(
        label=_("Office address"),
        max_length=400,
        required=False,
        help_text=_("Where claims, notices and documents may be sent"),
    )


class TimetableForm(forms.Form):
    done = forms.BooleanField(label=_("Done"), required=False)
    done_on = date_field(_("Done on"), hint=_("Leave blank for today"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    due_date = date_field(_("Date chosen by the Returning Officer"))
    due_time = time_field(_("Time"))


class CombinedPollForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    ballots = forms.MultipleChoiceField(
        label=_("Ballots taken together"),
        error_messages={"required": _("Choose the ballots to combine"), "invalid_choice": _("Choose from the list")},
    )
    lead_group = forms.ChoiceField(
        label=_("Election whose Returning Officer leads"),
        required=False,
        error_messages={"invalid_choice": _("Choose from the list")},
    )
    lead_officer = forms.CharField(label=_("Lead Returning Officer's name"), max_length=200, required=False)
    functions = forms.MultipleChoiceField(
        label=_("Functions discharged by the lead Returning Officer"),
        choices=CombinedFunction.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose from the list")},
    )
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea)

    def __init__(
        self, *args: Any, ballots: list[tuple[int, str]], groups: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["ballots"], [(str(pk), label) for pk, label in ballots])
        _choices(self.fields["lead_group"], [("", _("Not decided yet"))] + [(str(pk), label) for pk, label in groups])


class TemplateUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Notice"),
        choices=NoticeKind.choices,
        error_messages={"required": _("Choose the notice"), "invalid_choice": _("Choose a notice from the list")},
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("en", "English"), ("cy", "Cymraeg")],
        error_messages={"invalid_choice": _("Choose English or Cymraeg")},
    )
    file = forms.FileField(
        label=_("Word template (.docx)"),
        error_messages={"required": _("Choose a .docx file"), "empty": _("The file is empty")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(_("The file must be smaller than 5 MB"))
        if not str(upload.name).lower().endswith(".docx"):
            raise forms.ValidationError(_("The file must be a Word document (.docx)"))
        return upload
