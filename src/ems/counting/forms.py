"""Forms for the count pages. They only check input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ems.elections.forms import date_field

from .models import Adjudication, BoxKind, RejectionHead

MAX_PAPERS = 10_000_000
MAX_FILE_BYTES = 20 * 1024 * 1024


def whole(
    label: Any, *, required: bool = True, minimum: int = 0, maximum: int = MAX_PAPERS, help_text: Any = ""
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        min_value=minimum,
        max_value=maximum,
        error_messages={
            "invalid": _("%(label)s must be a whole number, like 1250") % {"label": label},
            "required": _("Enter %(label)s") % {"label": str(label).lower()},
            "min_value": _("%(label)s must be %(n)s or more") % {"label": label, "n": minimum},
            "max_value": _("%(label)s must be %(n)s or fewer") % {"label": label, "n": f"{maximum:,}"},
        },
    )


def text(label: Any, *, required: bool = True, max_length: int = 300, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        error_messages={
            "required": _("Enter %(label)s") % {"label": str(label).lower()},
            "max_length": _("%(label)s must be %(n)s characters or fewer") % {"label": label, "n": max_length},
        },
    )


def confirm(label: Any, error: Any) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=True, error_messages={"required": error})


class BoxForm(forms.Form):
    label = text(_("Box number or label"), max_length=100, help_text=_("As written on the box, for example 12 or PV3"))
    kind = forms.ChoiceField(
        label=_("Where the papers come from"),
        choices=[(BoxKind.STATION, _("A polling station")), (BoxKind.POSTAL, _("The opening of postal votes"))],
        initial=BoxKind.STATION,
        error_messages={
            "required": _("Choose a polling station box or a postal votes box"),
            "invalid_choice": _("Choose a polling station box or a postal votes box"),
        },
    )
    station = forms.ChoiceField(label=_("Polling station"), required=False)
    bpa_issued = whole(_("Ballot papers issued (ballot paper account)"))

    def __init__(self, *args: Any, stations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["station"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("None (postal votes)")), *stations]
        field.error_messages["invalid_choice"] = _("Choose a polling station from the list")


class ReceiptForm(forms.Form):
    delivered_by = text(_("Delivered by"), required=False, max_length=200, help_text=_("Usually the presiding officer"))
    note = text(_("Notes"), required=False, help_text=_("Seals, packets, anything missing"))


class VerificationForm(forms.Form):
    papers_counted = whole(_("Ballot papers counted"))
    explanation = text(_("Explanation of any variance"), required=False, max_length=2000)


class ResolveForm(forms.Form):
    explanation = text(_("Explanation"), max_length=2000, help_text=_("What the checks found"))
    resolution = text(_("Decision"), max_length=2000, help_text=_("For example, accepted after two recounts"))


class ConfirmForm(forms.Form):
    confirm = confirm(_("I confirm"), _("Tick the box to confirm"))


class DeclareForm(forms.Form):
    confirm = confirm(
        _("The provisional result was shown to the candidates and agents, and no recount is outstanding"),
        _("Confirm that the candidates and agents have seen the provisional result"),
    )


class ElectorateForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Electorate"),
        choices=[("register", _("Count it from the register")), ("entered", _("Enter the figure"))],
        initial="register",
        error_messages={
            "required": _("Choose how to give the electorate"),
            "invalid_choice": _("Choose how to give the electorate"),
        },
    )
    electorate = whole(_("Electorate figure"), required=False, minimum=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == "entered" and data.get("electorate") is None and "electorate" not in self.errors:
            self.add_error("electorate", _("Enter the electorate figure"))
        return data


class CountForm(forms.Form):
    """Votes per candidate (and second preferences for the supplementary vote)."""

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], second: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.second = second
        for pk, name in candidates:
            self.fields[f"votes_{pk}"] = whole(_("Votes for %(name)s") % {"name": name})
            self.fields[f"votes_{pk}"].error_messages["required"] = _("Enter the votes for %(name)s") % {"name": name}
            if second:
                self.fields[f"second_{pk}"] = whole(
                    _("Second preferences for %(name)s") % {"name": name}, required=False
                )

    def votes(self) -> dict[int, int]:
        return {pk: int(self.cleaned_data[f"votes_{pk}"]) for pk, _name in self.candidates}

    def seconds(self) -> dict[int, int]:
        if not self.second:
            return {}
        return {pk: int(self.cleaned_data.get(f"second_{pk}") or 0) for pk, _name in self.candidates}


class AnswersForm(forms.Form):
    """A referendum: votes for each answer (``answer_1`` for "Yes", ``answer_2`` for "No")."""

    def __init__(self, *args: Any, answers: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answers = answers
        for i, answer in enumerate(answers, start=1):
            self.fields[f"answer_{i}"] = whole(_("Votes for %(answer)s") % {"answer": answer})
            self.fields[f"answer_{i}"].error_messages["required"] = _("Enter the votes for %(answer)s") % {
                "answer": answer
            }

    def votes(self) -> dict[str, int]:
        return {answer: int(self.cleaned_data[f"answer_{i}"]) for i, answer in enumerate(self.answers, start=1)}


class ListsForm(forms.Form):
    """A closed-list (D'Hondt) ballot: votes for each party list (``list_N``, in ballot-paper
    order) and each individual candidate (``votes_<id>``)."""

    def __init__(self, *args: Any, options: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options  # (field name, party or candidate name)
        for name, label in options:
            self.fields[name] = whole(_("Votes for %(name)s") % {"name": label})
            self.fields[name].error_messages["required"] = _("Enter the votes for %(name)s") % {"name": label}

    def list_votes(self) -> dict[str, int]:
        return {label: int(self.cleaned_data[name]) for name, label in self.options if name.startswith("list_")}

    def candidate_votes(self) -> dict[int, int]:
        return {
            int(name.removeprefix("votes_")): int(self.cleaned_data[name])
            for name, _label in self.options
            if name.startswith("votes_")
        }


class PreferencesForm(forms.Form):
    file = forms.FileField(
        label=_("Preference file (BLT)"),
        error_messages={
            "required": _("Choose the e-count's preference file"),
            "empty": _("The file is empty"),
            "invalid": _("Choose a file"),
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file must be smaller than 20 MB"))
        return upload


class DoubtfulForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=Adjudication.choices,
        error_messages={
            "required": _("Choose the decision on the papers"),
            "invalid_choice": _("Choose the decision on the papers"),
        },
    )
    head = forms.ChoiceField(
        label=_("Reason for rejection"),
        required=False,
        choices=[("", _("Not rejected")), *RejectionHead.choices],
        error_messages={"invalid_choice": _("Choose a reason for rejection from the list")},
    )
    papers = whole(_("Number of papers"), minimum=1)
    objected = forms.BooleanField(label=_("A counting agent objected to the rejection"), required=False)
    note = text(_("Note"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Adjudication.REJECTED and not data.get("head") and "head" not in self.errors:
            self.add_error("head", _("Choose the reason the papers are rejected"))
        return data


class RecountRequestForm(forms.Form):
    requested_by = text(
        _("Who asked for the recount"),
        max_length=200,
        help_text=_("The candidate or election agent, or the Returning Officer"),
    )
    candidate = forms.ChoiceField(label=_("On behalf of"), required=False)
    reason = text(_("Reason given"), max_length=2000)

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["candidate"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("No candidate (the Returning Officer's own)")), *candidates]
        field.error_messages["invalid_choice"] = _("Choose a candidate from the list")


class RecountDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("grant", _("Grant the recount")), ("refuse", _("Refuse it"))],
        error_messages={
            "required": _("Choose whether to grant the recount"),
            "invalid_choice": _("Choose whether to grant the recount"),
        },
    )
    reason = text(_("Reason"), required=False, max_length=2000, help_text=_("Needed to refuse"))


class LotForm(forms.Form):
    seed = whole(_("Number of the lot drawn"), required=False, maximum=10**15 - 1)


class SpendingForm(forms.Form):
    constituency_type = forms.ChoiceField(
        label=_("Constituency type"),
        required=False,
        choices=[
            ("", _("Not a parliamentary constituency")),
            ("borough", _("Borough (burgh)")),
            ("county", _("County")),
        ],
        error_messages={"invalid_choice": _("Choose borough or county")},
    )
    police_area = text(
        _("Police area"), required=False, max_length=100, help_text=_("Police and Crime Commissioner elections")
    )
    constituent_councils = whole(_("Constituent councils"), required=False, minimum=1, maximum=100)
    electorate = whole(
        _("Electorate"),
        required=False,
        help_text=_("Leave blank to count the register on the last day for the notice of election"),
    )

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for pk, name in candidates:
            self.fields[f"joint_{pk}"] = whole(
                _("Joint candidates with %(name)s (1 if none)") % {"name": name}, minimum=1, maximum=20
            )
            self.fields[f"joint_{pk}"].initial = 1

    def joint(self) -> dict[int, int]:
        return {pk: int(self.cleaned_data[f"joint_{pk}"]) for pk, _name in self.candidates}


class ReturnForm(forms.Form):
    return_received_on = date_field(_("Return received on"))
    agent_declaration_received_on = date_field(_("Agent's declaration received on"))
    candidate_declaration_received_on = date_field(_("Candidate's declaration received on"))
    note = text(_("Note"), required=False)


class InspectionForm(forms.Form):
    place = text(_("Where returns can be inspected"), max_length=400)
    times = text(_("When"), max_length=200, help_text=_("For example, Monday to Friday, 9am to 4pm"))
