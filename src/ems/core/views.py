"""Dashboard, area placeholders, health check and error pages."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from ems.accounts.decorators import permission_required, public
from ems.accounts.roles import Permission

from .dashboard import panels_for
from .navigation import AREAS, Area, area_href


@public
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:sign-in")
    return redirect("core:dashboard")


@permission_required(Permission.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    areas = [
        {"label": a.label, "summary": a.summary, "href": area_href(a), "available": a.url_name is not None}
        for a in AREAS
        if user.has_ems_permission(a.permission)
    ]
    return render(
        request,
        "core/dashboard.html",
        {"panels": panels_for(user), "areas": areas, "authority": user.authority},
    )


def area_view(area: Area) -> Callable[..., HttpResponseBase]:
    """The placeholder page of an area that is not built yet, guarded by the area's permission."""

    @permission_required(area.permission)
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, "core/area.html", {"area": area, "current": area.slug})

    view.__name__ = f"area_{area.slug.replace('-', '_')}"
    return view


@public
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def _error(request: HttpRequest, status: int, title: str, body: str) -> HttpResponse:
    return render(request, "core/error.html", {"title": title, "body": body}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        400,
        "There is a problem with the request",
        "The request could not be understood. Check the address or form and try again.",
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        403,
        "You do not have access to this page",
        str(exception)
        if exception and str(exception)
        else "Your role does not allow this. Ask your electoral services manager if you need it.",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "Page not found", "If you typed the web address, check it is correct.")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request, 500, "Sorry, there is a problem with the service", "Try again later. The problem has been logged."
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        "Your form has expired",
        "The page was open too long or cookies are blocked. Go back, reload the page and try again.",
    )
