from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    object_type = forms.CharField(label=_("Record type"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Record id"), required=False, max_length=64)
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    day = forms.DateField(
        label=_("Day"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Enter the day as YYYY-MM-DD, for example 2026-05-07")},
    )
