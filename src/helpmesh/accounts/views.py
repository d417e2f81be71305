"""Two-factor sign-in pages: the code step after the password, and enrolment with a QR code.

Between the password and the code, the session holds only a pending sign-in (the user's id,
where to go next, and a five-minute deadline); ``login()`` runs once the second factor passed.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from helpmesh.accounts import signin, twofactor
from helpmesh.accounts.models import User
from helpmesh.core import clock

PENDING = "helpmesh_2fa_pending"
PENDING_FOR = timedelta(minutes=5)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=64,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


def begin(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """After a right password: hold the sign-in and ask for the code (or for enrolment)."""
    deadline = (clock.now() + PENDING_FOR).timestamp()
    request.session[PENDING] = {"user": user.pk, "next": next_url, "until": deadline}
    if twofactor.is_enrolled(user):
        return redirect("accounts:two_factor_verify")
    return redirect("accounts:two_factor_enrol")  # policy requires a factor they do not have


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING)
    if not pending or pending["until"] < clock.now().timestamp():
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def _finish(request: HttpRequest, user: User, method: str) -> str:
    """Sign ``user`` in for real; where to go next."""
    next_url = request.session.pop(PENDING, {}).get("next", "/")
    signin.signed_in(request, user, channel="web", second_factor=method)
    login(request, user)
    return str(next_url)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator, or a recovery code."""
    user = _pending_user(request)
    if user is None:
        return redirect("web:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method = signin.check_second_factor(
                request, user, form.cleaned_data["code"], channel="web"
            )
        except signin.Throttled as exc:
            return _throttled(request, form, exc.retry_after)
        if method is not None:
            return redirect(_finish(request, user, method))
        form.add_error("code", "That code is not right (or was already used).")
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Add an authenticator: a signed-in staff member, or a sign-in that policy holds until
    one is added. Shows the QR code; a right code activates it and shows the recovery codes."""
    pending = _pending_user(request)
    user = pending or _signed_in_user(request)
    if user is None or not twofactor.may_enrol(user):
        return redirect("web:login")
    if twofactor.is_enrolled(user):
        return render(request, "accounts/two_factor_enrolled.html")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(user, form.cleaned_data["code"])
        if codes is not None:
            next_url = _finish(request, user, "totp") if pending else "/"
            return render(
                request, "accounts/two_factor_codes.html", {"codes": codes, "next": next_url}
            )
        form.add_error("code", "That code is not right: check the time on your phone.")
    factor = twofactor.start_enrolment(user)
    context: dict[str, object] = {"form": form, "secret": factor.secret}
    context["qr"] = twofactor.qr_code(factor)
    return render(request, "accounts/two_factor_enrol.html", context)


def _signed_in_user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _throttled(request: HttpRequest, form: CodeForm, retry_after: int) -> HttpResponse:
    form.add_error(None, f"Too many failed sign-ins. Try again in {retry_after} seconds.")
    response = render(request, "accounts/two_factor_verify.html", {"form": form}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
