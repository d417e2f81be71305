"""The raw-MIME webhook and the quarantine over the REST API."""

from __future__ import annotations

from django.test import Client
from emails import compose, eml

from helpmesh.conversations.models import Ticket


def _post(raw: bytes, **headers):
    return Client().post(
        "/api/v1/email/inbound", raw, content_type="message/rfc822", headers=headers
    )


def test_a_provider_webhook_posts_raw_mime_with_the_shared_token(mailbox, settings):
    settings.HELPMESH_EMAIL_INBOUND_TOKEN = "s3cret-token-value"
    response = _post(eml("gmail_reply.eml"), **{"X-Helpmesh-Token": "s3cret-token-value"})
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "ticket"
    assert (
        _post(eml("gmail_reply.eml"), **{"X-Helpmesh-Token": "s3cret-token-value"}).json()[
            "outcome"
        ]
        == "duplicate"
    )
    assert Ticket.objects.count() == 1


def test_the_webhook_refuses_a_wrong_token_and_non_admins(mailbox, settings, personas, api):
    settings.HELPMESH_EMAIL_INBOUND_TOKEN = "s3cret-token-value"
    assert _post(compose(), **{"X-Helpmesh-Token": "nope"}).status_code == 401
    from helpmesh.accounts import services as accounts

    token = accounts.issue_token(personas.anna)
    assert _post(compose(), Authorization=f"Bearer {token}").status_code == 403
    admin = accounts.issue_token(personas.root)
    assert _post(compose(), Authorization=f"Bearer {admin}").status_code == 200


def test_admins_list_and_retry_the_quarantine(mailbox, personas, api, settings):
    settings.HELPMESH_EMAIL_MAX_BYTES = 500
    settings.HELPMESH_EMAIL_INBOUND_TOKEN = "s3cret-token-value"
    held = _post(compose(body="x" * 1000), **{"X-Helpmesh-Token": "s3cret-token-value"}).json()
    assert held["outcome"] == "quarantined" and "too large" in held["reason"]
    listed = api(personas.root).get("/email/quarantine").json()
    assert [q["id"] for q in listed] == [held["contact_id"]]
    assert api(personas.anna).get("/email/quarantine").status_code == 403
    settings.HELPMESH_EMAIL_MAX_BYTES = 100_000
    retried = api(personas.root).post(f"/email/quarantine/{held['contact_id']}/retry").json()
    assert retried["outcome"] == "ticket"


def test_admins_configure_mailboxes_without_secrets_in_answers(db, personas, api):
    created = api(personas.root).post(
        "/email/mailboxes",
        {
            "name": "sales",
            "address": "sales@helpmesh.test",
            "imap_host": "imap.example.com",
            "imap_user": "sales",
            "imap_password": "hunter2",
            "imap_security": "starttls",
        },
    )
    assert created.status_code == 201 and "imap_password" not in created.json()
    assert [m["name"] for m in api(personas.root).get("/email/mailboxes").json()] == ["sales"]
