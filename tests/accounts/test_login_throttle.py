"""Login throttling: per account and per address, growing pauses, 429 + Retry-After, a notice
to the owner, and an audit event for every sign-in, failure and token change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client

from helpmesh.accounts import services as accounts
from helpmesh.core import clock
from helpmesh.core.models import AuditEvent

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def at_nine():
    with clock.frozen(T0):
        yield


def token(client: Client, email: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        "/api/v1/auth/token",
        {"email": email, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def test_the_fifth_wrong_password_locks_the_account_with_a_429_and_retry_after(personas, at_nine):
    client = Client()
    answers = [token(client, "anna@example.com", "nope").status_code for _ in range(5)]
    assert answers == [401, 401, 401, 401, 429]
    refused = token(client, "anna@example.com", "pw")  # the right password waits too
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    assert refused.json()["code"] == "throttled"
    clock.advance(timedelta(seconds=30))
    assert token(client, "anna@example.com", "pw").status_code == 200


def test_each_failure_after_the_lock_doubles_the_pause(personas, at_nine):
    client = Client()
    for _ in range(5):
        token(client, "anna@example.com", "nope")
    waits = []
    for _ in range(3):
        clock.advance(timedelta(seconds=int(token(client, "anna@example.com", "x")["Retry-After"])))
        waits.append(int(token(client, "anna@example.com", "nope")["Retry-After"]))
    assert waits == [60, 120, 240]


def test_a_success_clears_the_account_count(personas, at_nine):
    client = Client()
    for _ in range(4):
        token(client, "anna@example.com", "nope")
    assert token(client, "anna@example.com", "pw").status_code == 200
    assert [token(client, "anna@example.com", "nope").status_code for _ in range(4)] == [401] * 4


def test_a_quiet_quarter_hour_forgets_the_failures(personas, at_nine):
    client = Client()
    for _ in range(4):
        token(client, "anna@example.com", "nope")
    clock.advance(timedelta(minutes=16))
    assert [token(client, "anna@example.com", "nope").status_code for _ in range(4)] == [401] * 4


def test_one_address_trying_many_accounts_is_paused_after_ten_failures(personas, at_nine):
    client = Client()
    emails = [f"guess{n}@example.com" for n in range(10)]
    answers = [token(client, e, "nope").status_code for e in emails]
    assert answers == [401] * 9 + [429]
    assert token(client, "anna@example.com", "pw").status_code == 429
    assert token(client, "anna@example.com", "pw", address="198.51.100.1").status_code == 200


def test_unknown_accounts_are_throttled_like_real_ones_and_nobody_is_mailed(
    personas, at_nine, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answers = [token(client, "nobody@example.com", "nope").status_code for _ in range(5)]
    assert answers == [401, 401, 401, 401, 429]
    assert mail.outbox == []


def test_the_owner_is_mailed_once_when_their_account_is_locked(
    personas, at_nine, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            token(client, "anna@example.com", "nope")
        clock.advance(timedelta(seconds=30))
        token(client, "anna@example.com", "nope")  # a longer pause, same streak: no new mail
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == ["anna@example.com"]
    assert "203.0.113.7" in notice.body and "30 seconds" in notice.body


def test_every_sign_in_failure_lockout_and_token_change_is_audited(personas, at_nine):
    client = Client()
    for _ in range(5):
        token(client, "anna@example.com", "nope")
    token(client, "nobody@example.com", "nope", address="198.51.100.1")
    clock.advance(timedelta(seconds=30))
    issued = token(client, "anna@example.com", "pw").json()["token"]
    assert accounts.revoke_token(issued) is True
    assert accounts.revoke_token(issued) is False  # already revoked: nothing more to audit

    events = AuditEvent.objects.filter(kind__startswith="login.") | AuditEvent.objects.filter(
        kind__startswith="token.", subject_id=personas.anna.pk
    )
    kinds = [e.kind for e in events.order_by("seq")]
    assert kinds == ["login.failed"] * 5 + ["login.locked", "login.failed"] + [
        "login.succeeded",
        "token.issued",
        "token.revoked",
    ]
    unknown = AuditEvent.objects.get(kind="login.failed", subject_id=0)
    assert unknown.data == {
        "channel": "api",
        "address": "198.51.100.1",
        "known_account": False,
        "reason": "password",
    }
    assert "nobody" not in str(unknown.data)


def test_the_sign_in_form_says_how_long_to_wait(personas, at_nine):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(4):
        assert (
            client.post("/login/", {"email": "anna@example.com", "password": "x"}).status_code
            == 200
        )
    locked = client.post("/login/", {"email": "anna@example.com", "password": "x"})
    assert locked.status_code == 429
    assert locked["Retry-After"] == "30"
    assert b"Too many failed sign-ins. Try again in 30 seconds." in locked.content
    clock.advance(timedelta(seconds=29))
    still = client.post("/login/", {"email": "anna@example.com", "password": "pw"})
    assert still.status_code == 429 and b"Try again in 1 second." in still.content
    clock.advance(timedelta(seconds=1))
    assert (
        client.post("/login/", {"email": "anna@example.com", "password": "pw"}).status_code == 302
    )


def test_web_and_api_failures_count_together(personas, at_nine):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        client.post("/login/", {"email": "anna@example.com", "password": "x"})
    assert token(client, "anna@example.com", "nope").status_code == 429


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(personas, at_nine, settings):
    client = Client()
    forged = {"HTTP_X_FORWARDED_FOR": "192.0.2.1"}
    for n in range(10):
        client.post(
            "/api/v1/auth/token",
            {"email": f"g{n}@example.com", "password": "x"},
            content_type="application/json",
            REMOTE_ADDR="10.0.0.5",
            **forged,
        )
    # Without a trusted proxy the header is ignored: the real address is paused.
    assert token(client, "anna@example.com", "pw", address="10.0.0.5").status_code == 429

    settings.HELPMESH_TRUSTED_PROXIES = 1
    via_proxy = client.post(
        "/api/v1/auth/token",
        {"email": "anna@example.com", "password": "pw"},
        content_type="application/json",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.20",
    )
    assert via_proxy.status_code == 200  # the client the proxy saw, not the proxy, is counted
