"""Sign-in with a password, shared by the web form and the API token endpoint.

One path for both faces: refuse while throttled (``accounts.throttle``), check the password,
count a failure or clear the count, tell the owner when their account gets locked, and append an
audit event for every success and failure (docs/adr/0029-login-throttling.md).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest

from helpmesh.accounts import throttle, twofactor
from helpmesh.accounts.models import User
from helpmesh.core import audit, clock

log = logging.getLogger(__name__)


class Throttled(Exception):
    """Too many failed sign-ins for this account or from this address: wait ``retry_after``."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} seconds")
        self.retry_after = retry_after


def check_password(request: HttpRequest, email: str, password: str, *, channel: str) -> User | None:
    """The active user ``email`` and ``password`` name, or None; raises ``Throttled``.

    A failure is counted and audited (``login.failed``); a success is not yet a sign-in: the
    caller checks the second factor if any, then calls ``signed_in``. ``channel`` ("web", "api")
    goes into the audit events. A refused attempt (while locked) does not check the password,
    so a locked account cannot be probed, and is not audited one by one: the lockout itself is
    (``login.locked``), so an attacker cannot flood the chain.
    """
    address = throttle.client_address(request)
    wait = throttle.wait_seconds(email, address)
    if wait:
        raise Throttled(wait)
    user = authenticate(request, email=email, password=password)
    if user is None:
        _failed(email, address, channel, reason="password")
    return user  # type: ignore[return-value]


def check_second_factor(request: HttpRequest, user: User, code: str, *, channel: str) -> str | None:
    """How ``code`` proves ``user``'s second factor ("totp", "recovery") or None; a wrong code
    counts as a failed sign-in of the account (so codes cannot be guessed either)."""
    address = throttle.client_address(request)
    wait = throttle.wait_seconds(user.email, address)
    if wait:
        raise Throttled(wait)
    method = twofactor.verify(user, code)
    if method is None:
        _failed(user.email, address, channel, reason="second_factor")
    return method


def signed_in(request: HttpRequest, user: User, *, channel: str, second_factor: str = "") -> None:
    """Record a completed sign-in: clear the account's failures, append ``login.succeeded``."""
    throttle.forget_account(user.email)
    data = {"channel": channel, "address": throttle.client_address(request)}
    audit.record(
        "login.succeeded",
        "user",
        user.pk,
        actor=user,
        data={**data, "second_factor": second_factor or "none"},
    )


def _failed(email: str, address: str, channel: str, *, reason: str) -> None:
    failure = throttle.record_failure(email, address)
    owner = User.objects.filter(email=throttle.account_key(email), is_active=True).first()
    # Unknown emails are audited without the text typed (often a mistyped password or someone
    # else's address) and under no user: the chain keeps no personal data it cannot erase.
    subject_id = owner.pk if owner else 0
    data = {"channel": channel, "address": address, "known_account": owner is not None}
    with audit.unit():
        audit.record("login.failed", "user", subject_id, data={**data, "reason": reason})
        if failure.newly_locked_account and owner is not None:
            audit.record(
                "login.locked",
                "user",
                owner.pk,
                data={"failures": failure.account_failures, "seconds": failure.wait},
            )
            _notify_lockout(owner, address, failure)
    if failure.wait:
        raise Throttled(failure.wait)


def _notify_lockout(owner: User, address: str, failure: throttle.Failure) -> None:
    """Mail the owner (Django's outbound mail backend, after the commit) that sign-in is paused."""
    when = clock.now().strftime("%Y-%m-%d %H:%M UTC")
    body = (
        f"Hello {owner.name or owner.email},\n\n"
        f"After {failure.account_failures} failed sign-ins to your helpmesh account "
        f"(the last from {address} at {when}), sign-in is paused for {failure.wait} seconds; "
        "each further failure doubles the pause.\n\n"
        "If this was you, wait and try again. If it was not, someone is guessing your password: "
        "choose a new one and tell your administrator.\n"
    )
    subject = "Your helpmesh sign-in is paused after failed attempts"
    recipient = owner.email

    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
        except OSError:  # the lockout holds even when the mail server is down
            log.warning("could not send the lockout notice for user %s", owner.pk)

    transaction.on_commit(send)
