"""The form for the council's calendar override table (days of thanksgiving or mourning)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ems.core.models import Nation

from .forms import date_field


class CalendarDayForm(forms.Form):
    day = date_field(_("Day"), required=True)
    nations = forms.MultipleChoiceField(
        label=_("Nations it applies to"),
        choices=Nation.choices,
        error_messages={"required": _("Choose the nations the day applies to")},
    )
    dies_non = forms.ChoiceField(
        label=_("What the day is"),
        choices=[
            ("yes", _("Not a working day (thanksgiving, mourning or a one-off bank holiday)")),
            ("no", _("A working day (a bank holiday moved away by proclamation)")),
        ],
        initial="yes",
        error_messages={"required": _("Choose what the day is")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example, Day of the state funeral"),
        error_messages={"required": _("Enter the reason")},
    )
    source = forms.CharField(
        label=_("Source (optional)"),
        max_length=300,
        required=False,
        help_text=_("The proclamation or announcement, for example its address on gov.uk"),
    )
