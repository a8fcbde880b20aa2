"""Form helpers for GOV.UK error summaries and field errors in Jinja templates, shared by the
staff views of every app."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def error_list(form: forms.Form) -> list[dict[str, str]]:
    """Errors in the order of the fields, linking each to its field, for govukErrorSummary."""
    items: list[dict[str, str]] = []
    for error in form.non_field_errors():
        items.append({"text": str(error), "href": "#main-content"})
    for name in form.fields:
        for error in form.errors.get(name, []):
            anchor = form.auto_id % name if isinstance(form.auto_id, str) else name
            items.append({"text": str(error), "href": f"#{anchor}"})
    return items


def field_error(form: forms.Form, name: str) -> dict[str, Any] | None:
    errors = form.errors.get(name)
    return {"text": " ".join(str(e) for e in errors)} if errors else None


def field_value(form: forms.Form, name: str) -> Any:
    """The value to show in an input: what was typed (a list for a multiple choice), or the
    initial value, dates written as officers type them (6/5/2027)."""
    if form.is_bound:
        if isinstance(form.fields.get(name), forms.MultipleChoiceField):
            return form.data.getlist(name) if hasattr(form.data, "getlist") else form.data.get(name, [])
        return form.data.get(name, "")
    value = form[name].value()
    if isinstance(value, dt.date):
        return f"{value.day}/{value.month}/{value.year}"
    return "" if value is None else value


def bound_errors(*forms_: forms.Form | None) -> list[dict[str, str]]:
    """The error summary of the forms that were submitted (none for a first visit)."""
    out: list[dict[str, str]] = []
    for form in forms_:
        if form is not None and form.is_bound and form.errors:
            out += error_list(form)
    return out


def add_service_errors(form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on the field it names (or the field
    ``aliases`` maps it to), else above the form."""
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = aliases.get(name, name)
            if target in form.fields:
                form.add_error(target, errors)
            else:
                form.add_error(None, [m for e in errors for m in e.messages])
    else:
        form.add_error(None, error.messages)


def post_data(request: HttpRequest) -> Any:
    """The submitted data of a POST, or None (an unbound form) for a GET."""
    return request.POST if request.method == "POST" else None
