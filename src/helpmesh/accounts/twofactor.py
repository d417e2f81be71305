"""A second factor for staff: TOTP (RFC 6238) authenticators and one-time recovery codes.

Enrolment makes a secret, shows it as a QR code, and activates it only when the person types a
code their app made from it; that also hands out ten recovery codes, stored as SHA-256 digests.
``HELPMESH_2FA_REQUIRED_ROLES`` (default: admins) names the roles that must enrol before they can
sign in on the web or get an API token.
"""

from __future__ import annotations

import hashlib
import secrets

import pyotp
import segno
from django.conf import settings

from helpmesh.accounts.models import STAFF_ROLES, RecoveryCode, TwoFactor, User
from helpmesh.core import audit, clock

ISSUER = "helpmesh"
RECOVERY_CODES = 10
STEP_SECONDS = 30


def required_for(user: User) -> bool:
    """Whether policy makes ``user`` sign in with a second factor (enrolled or not yet)."""
    roles = getattr(settings, "HELPMESH_2FA_REQUIRED_ROLES", ["admin"])
    return user.role in roles


def may_enrol(user: User) -> bool:
    """Staff may add a second factor; customers sign in with a password only."""
    return user.role in STAFF_ROLES


def is_enrolled(user: User) -> bool:
    """True when ``user`` has a confirmed authenticator."""
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


def start_enrolment(user: User) -> TwoFactor:
    """The secret ``user`` is enrolling with: the pending one if any (a mistyped code or a
    reloaded page must not change the QR code they already scanned), else a new one.

    A confirmed authenticator stays until ``reset``: enrolling again cannot lock someone out.
    """
    if not may_enrol(user):
        raise ValueError("only staff enrol a second factor")
    factor, _ = TwoFactor.objects.get_or_create(
        user=user, defaults={"secret": pyotp.random_base32(), "created_at": clock.now()}
    )
    return factor


def provisioning_uri(factor: TwoFactor) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(factor.secret).provisioning_uri(name=factor.user.email, issuer_name=ISSUER)


def qr_code(factor: TwoFactor) -> str:
    """The provisioning URI as an SVG data URI (an ``<img src>``; the CSP allows data: images)."""
    return str(segno.make(provisioning_uri(factor), error="m").svg_data_uri(scale=5))


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Activate the pending authenticator if ``code`` comes from it; the new recovery codes.

    None when the code is wrong or nothing is pending. The codes are shown once and never again.
    """
    factor = TwoFactor.objects.filter(user=user, confirmed_at__isnull=True).first()
    if factor is None or not _totp_matches(factor, code):
        return None
    with audit.unit():
        if not _claim_step(factor, confirmed_at=clock.now()):
            return None
        codes = _new_recovery_codes(user)
        audit.record("twofactor.enrolled", "user", user.pk, actor=user)
    return codes


def verify(user: User, code: str) -> str | None:
    """How ``code`` proves the second factor: "totp", "recovery" (now spent), or None."""
    factor = TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).first()
    if factor is None:
        return None
    if _totp_matches(factor, code) and _claim_step(factor):
        return "totp"
    if _spend_recovery_code(user, code):
        return "recovery"
    return None


def reset(user: User, *, actor: User | None = None) -> None:
    """Remove ``user``'s authenticator and recovery codes (a lost phone; an admin's action)."""
    with audit.unit():
        TwoFactor.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        audit.record("twofactor.reset", "user", user.pk, actor=actor)


def _totp_matches(factor: TwoFactor, code: str) -> bool:
    """A code of this step or the one before or after (clock drift), never one already used.

    On a match ``factor.last_step`` moves to the step used; the caller saves it.
    """
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(factor.secret)
    now = clock.now()
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if step > factor.last_step and secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            factor.last_step = step
            return True
    return False


def _claim_step(factor: TwoFactor, **changes: object) -> bool:
    # Conditional on the stored step, so two requests racing with one code cannot both pass.
    return bool(
        TwoFactor.objects.filter(pk=factor.pk, last_step__lt=factor.last_step).update(
            last_step=factor.last_step, **changes
        )
    )


def _digest(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(c)) for c in codes)
    return codes


def _spend_recovery_code(user: User, code: str) -> bool:
    with audit.unit():
        spent = RecoveryCode.objects.filter(
            user=user, digest=_digest(code), used_at__isnull=True
        ).update(used_at=clock.now())
        if spent:
            left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
            audit.record(
                "twofactor.recovery_used", "user", user.pk, actor=user, data={"left": left}
            )
    return bool(spent)
