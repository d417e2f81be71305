"""Sign in, sign out, and the front door that sends each kind of user where they work."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from helpmesh.accounts import signin, twofactor
from helpmesh.accounts import views as two_factor_views
from helpmesh.web.access import safe_next
from helpmesh.web.forms import LoginForm


def home(request: HttpRequest) -> HttpResponse:
    """Agents to the inbox, customers to the portal, everyone else to the sign-in page."""
    user = request.user
    if not user.is_authenticated:
        return redirect("web:login")
    return redirect("web:inbox" if user.is_agent else "portal:home")  # type: ignore[union-attr]


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Email and password; on success go to ``next`` (if on this site) or the front door."""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = signin.check_password(request, data["email"], data["password"], channel="web")
        except signin.Throttled as exc:
            return _throttled(request, form, exc.retry_after)
        if user is not None and (twofactor.is_enrolled(user) or twofactor.required_for(user)):
            return two_factor_views.begin(request, user, safe_next(request, "/"))
        if user is not None:
            signin.signed_in(request, user, channel="web")
            login(request, user)
            return redirect(safe_next(request, "/"))
        form.add_error(None, "That email and password do not match an active account.")
    return render(request, "web/login.html", {"form": form, "next": request.GET.get("next", "")})


def _throttled(request: HttpRequest, form: LoginForm, retry_after: int) -> HttpResponse:
    """The form again, saying how long to wait, as a 429 with ``Retry-After``."""
    minutes, seconds = divmod(retry_after, 60)
    unit = "second" if seconds == 1 else "seconds"
    wait = f"{minutes} min {seconds} s" if minutes else f"{seconds} {unit}"
    form.add_error(None, f"Too many failed sign-ins. Try again in {wait}.")
    context = {"form": form, "next": request.GET.get("next", ""), "retry_after": retry_after}
    response = render(request, "web/login.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, so a link or an image cannot sign anyone out)."""
    logout(request)
    return redirect("web:login")
