"""Sign in, two-factor enrolment and verification, sign out."""

from typing import Any

import segno
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ems.core.forms import error_list, field_error

from . import services
from .decorators import public, signed_in
from .forms import SignInForm, TokenForm
from .models import User


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/dashboard/"


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user: User = form.user  # type: ignore[assignment]
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        services.user_record_sign_in(user=user, two_factor=False)
        if user.requires_two_factor:
            return redirect(f"/account/two-factor/?next={_safe_next(request)}")
        return redirect(_safe_next(request))
    if form.credentials_rejected:
        known = User.objects.filter(username=form.cleaned_data.get("username", "")).select_related("authority").first()
        services.user_record_failed_sign_in(
            username=form.cleaned_data.get("username", ""), authority=known.authority if known else None
        )
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "error_list": error_list(form) if form.is_bound else [],
            "field_error": field_error,
            "next": _safe_next(request),
            "title": _("Sign in"),
        },
    )


@public
def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    return render(request, "accounts/locked_out.html", {"title": _("Account locked")}, status=429)


@signed_in
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code, or enrol an authenticator app first if the user has none."""
    user: User = request.user  # type: ignore[assignment]
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = confirmed is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or services.totp_device_start(user=user)
    else:
        device = confirmed
    form = TokenForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Too many wrong codes. Wait a minute, then enter the current code from your app"))
        elif device.verify_token(token):
            if enrolling:
                services.totp_device_confirm(user=user, device=device)
            otp_login(request, device)
            services.user_record_sign_in(user=user, two_factor=True)
            return redirect(_safe_next(request))
        else:
            form.add_error("token", _("The code is not correct or has expired. Enter the current code from your app"))
    context: dict[str, Any] = {
        "form": form,
        "error_list": error_list(form) if form.is_bound else [],
        "field_error": field_error,
        "enrolling": enrolling,
        "next": _safe_next(request),
        "title": _("Set up two-factor authentication") if enrolling else _("Enter your security code"),
    }
    if enrolling:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        context["secret"] = _base32_secret(device)
    return render(request, "accounts/two_factor.html", context)


def _base32_secret(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


@signed_in
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    services.user_record_sign_out(user=user)
    logout(request)
    return redirect("accounts:sign-in")
