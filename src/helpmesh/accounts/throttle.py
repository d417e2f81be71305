"""Failed sign-ins counted per account and per client address, with lockouts that grow.

Each scope (the email typed, the client's address) gets ``LOCK_AFTER`` free failures; the failure
that reaches it locks the scope for ``BASE`` seconds, and every further failure doubles the lock,
up to ``MAX``. A failure-free stretch of ``WINDOW`` seconds after the last failure (or the end of
the last lock) forgets the count. Emails that name no account are counted exactly like real
ones, so the answers never tell which accounts exist. Times come from ``core.clock``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest

from helpmesh.accounts.models import LoginThrottle
from helpmesh.core import clock

ACCOUNT, ADDRESS = "account", "address"


@dataclass(frozen=True)
class Policy:
    """How many failures are free, and how long the locks that follow last (seconds)."""

    lock_after: int
    base: int
    max: int
    window: int

    @classmethod
    def for_scope(cls, scope: str) -> Policy:
        # Settings are read per call, never at import, so tests and operators can change them.
        free = {
            ACCOUNT: getattr(settings, "HELPMESH_LOGIN_ACCOUNT_FAILURES", 5),
            ADDRESS: getattr(settings, "HELPMESH_LOGIN_ADDRESS_FAILURES", 10),
        }[scope]
        return cls(
            lock_after=free,
            base=getattr(settings, "HELPMESH_LOGIN_LOCK_SECONDS", 30),
            max=getattr(settings, "HELPMESH_LOGIN_MAX_LOCK_SECONDS", 3600),
            window=getattr(settings, "HELPMESH_LOGIN_FAILURE_WINDOW_SECONDS", 900),
        )

    def lock_seconds(self, failures: int) -> int:
        """0 below the threshold; then BASE, 2 x BASE, 4 x BASE ... capped at MAX."""
        if failures < self.lock_after:
            return 0
        return min(self.max, self.base * 2 ** min(failures - self.lock_after, 32))


def client_address(request: HttpRequest) -> str:
    """The client's IP: REMOTE_ADDR, or behind ``HELPMESH_TRUSTED_PROXIES`` proxies the address
    the outermost trusted proxy saw (the rest of X-Forwarded-For is the client's to forge)."""
    hops = int(getattr(settings, "HELPMESH_TRUSTED_PROXIES", 0))
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [p for p in forwarded if p]
    if hops > 0 and forwarded:
        return forwarded[-min(hops, len(forwarded))][:254]
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:254]


def account_key(email: str) -> str:
    """The account scope's key: the email as the backend compares it."""
    return email.strip().lower()[:254]


def wait_seconds(email: str, address: str) -> int:
    """Seconds until a sign-in for ``email`` from ``address`` may be tried again (0: now)."""
    now = clock.now()
    scopes = Q(scope=ACCOUNT, key=account_key(email)) | Q(scope=ADDRESS, key=address)
    rows = LoginThrottle.objects.filter(scopes, locked_until__gt=now)
    latest = max((r.locked_until for r in rows if r.locked_until), default=None)
    return _seconds_until(latest, now) if latest else 0


@dataclass(frozen=True)
class Failure:
    """What one failed sign-in did: the wait it imposes now, and whether the account scope
    just became locked for the first time in this streak (its owner should hear of it)."""

    wait: int
    account_failures: int
    newly_locked_account: bool


def record_failure(email: str, address: str) -> Failure:
    """Count a failed sign-in against both scopes and lock them when their policy says so."""
    now = clock.now()
    with transaction.atomic():
        account = _count(ACCOUNT, account_key(email), now)
        by_address = _count(ADDRESS, address, now)
        newly_locked = account.locked_until is not None and not account.notified
        if newly_locked:
            LoginThrottle.objects.filter(pk=account.pk).update(notified=True)
    latest = max((r.locked_until for r in (account, by_address) if r.locked_until), default=None)
    wait = _seconds_until(latest, now) if latest and latest > now else 0
    return Failure(wait, account.failures, newly_locked)


def forget_account(email: str) -> None:
    """A successful sign-in clears the account's count (the address keeps its own)."""
    LoginThrottle.objects.filter(scope=ACCOUNT, key=account_key(email)).delete()


def _count(scope: str, key: str, now: datetime) -> LoginThrottle:
    policy = Policy.for_scope(scope)
    row, created = LoginThrottle.objects.get_or_create(
        scope=scope, key=key, defaults={"last_failure_at": now}
    )
    quiet_since = max(row.last_failure_at, row.locked_until or row.last_failure_at)
    if not created and now - quiet_since > timedelta(seconds=policy.window):
        # A long quiet stretch: start a fresh streak (and a fresh notification).
        LoginThrottle.objects.filter(pk=row.pk).update(failures=0, notified=False)
    LoginThrottle.objects.filter(pk=row.pk).update(failures=F("failures") + 1, last_failure_at=now)
    row.refresh_from_db()
    seconds = policy.lock_seconds(row.failures)
    if seconds:
        row.locked_until = now + timedelta(seconds=seconds)
        LoginThrottle.objects.filter(pk=row.pk).update(locked_until=row.locked_until)
    return row


def _seconds_until(when: datetime, now: datetime) -> int:
    # Round up: a client that waits exactly Retry-After seconds must find the lock gone.
    return max(1, math.ceil((when - now).total_seconds()))
