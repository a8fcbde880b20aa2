"""Jinja2 environment: GOV.UK Frontend macros, url/static helpers, i18n, CSP nonce."""

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.middleware.csp import get_nonce
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.timezone import localtime
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader

from ems.core.navigation import service_navigation


def _url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def _datetime(value: Any, fmt: str = "j M Y H:i") -> str:
    if value is None:
        return ""
    return date_format(localtime(value), fmt)


def _number(value: Any) -> str:
    return number_format(value, force_grouping=True) if value is not None else ""


def environment(**options: Any) -> Environment:
    # Django hands us a FileSystemLoader for app jinja2/ dirs; add the GOV.UK macros under their prefix.
    app_loader = options.pop("loader", None) or FileSystemLoader([])
    options["loader"] = ChoiceLoader(
        [app_loader, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
    )
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    options["autoescape"] = True
    env = Environment(**options)  # noqa: S701 - autoescape is forced on just above
    env.install_gettext_translations(translation, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        {
            "static": static,
            "url": _url,
            "csp_nonce": lambda request: str(nonce) if (nonce := get_nonce(request)) is not None else "",
            "service_navigation": service_navigation,
            "settings": settings,
            "get_messages": get_messages,
            "get_language": translation.get_language,
        }
    )
    env.filters.update({"datetime": _datetime, "number": _number})
    return env
