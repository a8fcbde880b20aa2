"""Enforce TOTP two-factor authentication for the roles that must use it."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Paths a signed-in but not yet verified user may still reach.
_ALLOWED_PREFIXES = ("/account/", "/static/", "/health", "/i18n/")


class TwoFactorEnforcementMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "requires_two_factor", False)
            and not user.is_verified()  # type: ignore[attr-defined]  # added by OTPMiddleware
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            return redirect("accounts:two-factor")
        return self.get_response(request)
