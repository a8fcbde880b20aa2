"""``permission_required``: every staff view states the one permission it needs."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .roles import Permission

View = Callable[..., HttpResponseBase]


def permission_required(permission: Permission) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect(f"/account/sign-in/?next={request.path}")
            if not user.has_ems_permission(permission):
                raise PermissionDenied(_("Your role does not allow you to %(action)s.") % {"action": permission.label})
            return view(request, *args, **kwargs)

        wrapped.ems_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorate


def public(view: View) -> View:
    """Mark a view as reachable without signing in (sign-in, health, static)."""
    view.ems_public = True  # type: ignore[attr-defined]
    return view


def signed_in(view: View) -> View:
    """Any signed-in staff user (e.g. two-factor set-up, sign-out)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect(f"/account/sign-in/?next={request.path}")
        return view(request, *args, **kwargs)

    wrapped.ems_signed_in = True  # type: ignore[attr-defined]
    return wrapped


def has_permission(request: HttpRequest, permission: Permission) -> bool:
    """Whether the signed-in user may do what ``permission`` allows (to show or hide links)."""
    user: Any = request.user
    return bool(user.has_ems_permission(permission))
