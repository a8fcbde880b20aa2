"""Form helpers for GOV.UK error summaries and field errors in Jinja templates."""

from typing import Any

from django import forms


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
