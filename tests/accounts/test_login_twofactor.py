"""TOTP second factor for staff: enrolment with a QR code, recovery codes, the policy for
admins, and the code checked at web sign-in and for API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from django.test import Client

from helpmesh.accounts import twofactor
from helpmesh.accounts.models import RecoveryCode, TwoFactor
from helpmesh.core import clock
from helpmesh.core.models import AuditEvent

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def at_nine():
    with clock.frozen(T0):
        yield


def code_for(user, *, step: int = 0) -> str:
    secret = TwoFactor.objects.get(user=user).secret
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30 * step))


def enrol(user) -> list[str]:
    twofactor.start_enrolment(user)
    codes = twofactor.confirm_enrolment(user, code_for(user))
    assert codes is not None
    clock.advance(timedelta(seconds=30))  # the code used to enrol is spent; wait for the next
    return codes


def token(client: Client, email: str, code: str = ""):
    body = {"email": email, "password": "pw", **({"code": code} if code else {})}
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_enrolment_needs_a_right_code_and_hands_out_hashed_recovery_codes(personas, at_nine):
    factor = twofactor.start_enrolment(personas.anna)
    assert twofactor.qr_code(factor).startswith("data:image/svg+xml")
    assert "issuer=helpmesh" in twofactor.provisioning_uri(factor)
    assert "anna%40example.com" in twofactor.provisioning_uri(factor)
    assert twofactor.confirm_enrolment(personas.anna, "000000") is None
    assert not twofactor.is_enrolled(personas.anna)

    codes = twofactor.confirm_enrolment(personas.anna, code_for(personas.anna))
    assert codes is not None and len(set(codes)) == 10
    assert twofactor.is_enrolled(personas.anna)
    stored = set(RecoveryCode.objects.filter(user=personas.anna).values_list("digest", flat=True))
    assert len(stored) == 10 and not stored & set(codes)  # digests, never the codes
    assert AuditEvent.objects.filter(kind="twofactor.enrolled", subject_id=personas.anna.pk)


def test_a_mistyped_code_keeps_the_scanned_secret(client, personas, at_nine):
    client.force_login(personas.ben)
    first = client.get("/account/two-factor/").content
    client.post("/account/two-factor/", {"code": "000000"})
    secret = TwoFactor.objects.get(user=personas.ben).secret
    assert secret.encode() in first  # the page after the typo shows the same key
    assert secret.encode() in client.get("/account/two-factor/").content
    client.post("/account/two-factor/", {"code": code_for(personas.ben)})
    assert twofactor.is_enrolled(personas.ben)


def test_customers_cannot_enrol(personas):
    with pytest.raises(ValueError):
        twofactor.start_enrolment(personas.alice_user)


def test_a_code_works_once_and_a_neighbouring_step_is_accepted(personas, at_nine):
    enrol(personas.anna)
    now = code_for(personas.anna)
    assert twofactor.verify(personas.anna, now) == "totp"
    assert twofactor.verify(personas.anna, now) is None  # replayed
    assert twofactor.verify(personas.anna, code_for(personas.anna, step=1)) == "totp"  # drift
    assert twofactor.verify(personas.anna, code_for(personas.anna, step=5)) is None


def test_a_recovery_code_works_once(personas, at_nine):
    codes = enrol(personas.anna)
    assert twofactor.verify(personas.anna, codes[0].upper()) == "recovery"
    assert twofactor.verify(personas.anna, codes[0]) is None
    event = AuditEvent.objects.get(kind="twofactor.recovery_used")
    assert event.data == {"left": 9}


def test_web_sign_in_asks_for_the_code_before_the_session_exists(personas, at_nine):
    enrol(personas.anna)
    client = Client()
    step_one = client.post(
        "/login/?next=/inbox/", {"email": "anna@example.com", "password": "pw", "next": "/inbox/"}
    )
    assert step_one.url == "/account/two-factor/verify/"
    assert client.get("/inbox/").status_code == 302  # not signed in yet
    wrong = client.post("/account/two-factor/verify/", {"code": "123456"})
    assert wrong.status_code == 200 and b"That code is not right" in wrong.content
    right = client.post("/account/two-factor/verify/", {"code": code_for(personas.anna)})
    assert right.url == "/inbox/"
    assert client.get("/inbox/").status_code == 200
    done = AuditEvent.objects.filter(kind="login.succeeded").last()
    assert done.data["second_factor"] == "totp" and done.data["channel"] == "web"


def test_the_code_step_expires_after_five_minutes(personas, at_nine):
    enrol(personas.anna)
    client = Client()
    client.post("/login/", {"email": "anna@example.com", "password": "pw"})
    clock.advance(timedelta(minutes=6))
    late = client.post("/account/two-factor/verify/", {"code": code_for(personas.anna)})
    assert late.url == "/login/"
    assert client.get("/inbox/").status_code == 302


def test_policy_makes_an_admin_enrol_before_signing_in(personas, at_nine):
    client = Client()
    step_one = client.post("/login/", {"email": "root@example.com", "password": "pw"})
    assert step_one.url == "/account/two-factor/"
    page = client.get("/account/two-factor/")
    assert b'src="data:image/svg+xml' in page.content
    assert client.get("/admin/").status_code == 302  # not signed in yet
    done = client.post("/account/two-factor/", {"code": code_for(personas.root)})
    assert done.status_code == 200 and b"recovery codes" in done.content
    assert done.content.count(b"<li><code>") == 10
    assert client.get("/admin/").status_code == 200


def test_a_staff_member_may_enrol_from_a_signed_in_session(client, personas, at_nine):
    client.force_login(personas.ben)
    client.get("/account/two-factor/")
    client.post("/account/two-factor/", {"code": code_for(personas.ben)})
    assert twofactor.is_enrolled(personas.ben)
    client.force_login(personas.alice_user)
    assert client.get("/account/two-factor/").url == "/login/"  # not for customers


def test_api_tokens_need_the_code_once_enrolled(personas, at_nine):
    codes = enrol(personas.anna)
    client = Client()
    missing = token(client, "anna@example.com")
    assert missing.status_code == 401
    assert missing.json() == {
        "code": "code_required",
        "detail": "a two-factor code is required",
        "field": "code",
    }
    wrong = token(client, "anna@example.com", "654321")
    assert wrong.status_code == 401 and wrong.json()["code"] == "bad_code"
    assert token(client, "anna@example.com", code_for(personas.anna)).status_code == 200
    assert token(client, "anna@example.com", codes[1]).status_code == 200


def test_api_tokens_for_admins_need_enrolment_unless_policy_is_off(personas, settings):
    client = Client()
    refused = token(client, "root@example.com")
    assert refused.status_code == 403 and refused.json()["code"] == "enrolment_required"
    settings.HELPMESH_2FA_REQUIRED_ROLES = []
    assert token(client, "root@example.com").status_code == 200


def test_guessing_codes_is_throttled_like_passwords(personas, at_nine):
    enrol(personas.anna)
    client = Client()
    answers = [token(client, "anna@example.com", "000000").status_code for _ in range(5)]
    assert answers == [401, 401, 401, 401, 429]
    assert token(client, "anna@example.com", code_for(personas.anna)).status_code == 429


def test_an_admin_resets_a_lost_authenticator_from_the_admin(client, personas, at_nine):
    enrol(personas.anna)
    client.force_login(personas.root)
    client.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [personas.anna.pk]},
    )
    assert not twofactor.is_enrolled(personas.anna)
    assert not RecoveryCode.objects.filter(user=personas.anna).exists()
    reset = AuditEvent.objects.get(kind="twofactor.reset")
    assert reset.subject_id == personas.anna.pk and reset.actor_id == personas.root.pk
