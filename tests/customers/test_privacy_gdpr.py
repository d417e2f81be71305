"""GDPR: a customer's export (API and command) holds everything about them; erasure (API and
command) redacts content and identities everywhere while the audit chain still verifies."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from helpmesh import cli
from helpmesh.accounts import services as accounts
from helpmesh.conversations import pipeline, services
from helpmesh.conversations.attachments import NewAttachment
from helpmesh.conversations.models import Attachment, InboundContact, Message, Ticket
from helpmesh.core import audit
from helpmesh.core.audit import ChainProblem
from helpmesh.core.models import AuditEvent
from helpmesh.customers import privacy
from helpmesh.customers import services as customers
from helpmesh.customers.models import Customer, CustomerIdentity


@pytest.fixture
def alices_history(personas):
    """Alice's web request with a file, her mail from a second address, and an agent's reply."""
    customers.add_identity(personas.alice, "email", "alice.private@example.net")
    web = pipeline.receive(
        pipeline.Inbound(
            channel="web",
            sender=pipeline.Sender(user=personas.alice_user),
            subject="My flat at 12 Elm Street floods",
            body_text="Call me on +44 7700 900123.",
            attachments=[NewAttachment("lease.pdf", b"%PDF lease of Alice", "application/pdf")],
            team_id=personas.team_a.pk,
        )
    ).ticket
    mail = pipeline.receive(
        pipeline.Inbound(
            channel="email",
            sender=pipeline.Sender(kind="email", value="alice.private@example.net"),
            subject="Second thought",
            body_text="My birthday is 1 April.",
            source_id="<m1@example.net>",
            raw=b"From: alice.private@example.net\r\n\r\nMy birthday is 1 April.",
        )
    ).ticket
    services.add_message(
        web,
        services.NewMessage("Dear Alice, we will visit Elm Street."),
        channel="web",
        author_user=personas.anna,
    )
    bobs = personas.ticket_for(personas.bob_user, subject="Bob's printer")
    return web, mail, bobs


def admin_client(personas) -> Client:
    client = Client()
    client.force_login(personas.root)
    return client


def chain_is_intact() -> bool:
    return not any(isinstance(step, ChainProblem) for step in audit.verify_chain())


def test_the_export_holds_everything_about_the_customer(personas, alices_history):
    web, mail, _ = alices_history
    response = admin_client(personas).get(f"/api/v1/customers/{personas.alice.pk}/export")
    assert response.status_code == 200
    document = response.json()
    assert document["format"] == "helpmesh-customer-export/1"
    identities = {i["value"] for i in document["profiles"][0]["identities"]}
    assert identities == {"alice@example.com", "alice.private@example.net"}
    assert document["logins"][0]["email"] == "alice@example.com"
    tickets = {t["id"]: t for t in document["tickets"]}
    assert set(tickets) == {web.pk, mail.pk}  # never Bob's
    bodies = [m["body_text"] for m in tickets[web.pk]["messages"]]
    assert bodies == ["Call me on +44 7700 900123.", "Dear Alice, we will visit Elm Street."]
    lease = tickets[web.pk]["messages"][0]["attachments"][0]
    assert lease["filename"] == "lease.pdf" and lease["content_base64"]
    raws = [s["raw_base64"] for s in document["inbound_sources"]]
    assert any(b"birthday" in base64.b64decode(r) for r in raws)
    kinds = {e["kind"] for e in document["audit_events"]}
    assert {"customer.created", "ticket.created", "message.added"} <= kinds
    assert "Bob" not in json.dumps(document["tickets"])


@pytest.mark.parametrize("who", ["anna", "alice_user", None])
def test_only_admins_export_or_erase(personas, who):
    client = Client()
    if who:
        client.force_login(getattr(personas, who))
    url = f"/api/v1/customers/{personas.alice.pk}"
    assert client.get(f"{url}/export").status_code == (403 if who else 401)
    assert client.post(f"{url}/erase").status_code == (403 if who else 401)
    assert Customer.objects.get(pk=personas.alice.pk).name == "Alice"


def test_unknown_and_merged_profiles_are_refused_naming_the_customer(personas):
    client = admin_client(personas)
    assert client.get("/api/v1/customers/999999/export").status_code == 404
    assert client.get("/api/v1/customers/9223372036854775808/export").status_code == 422
    Customer.objects.filter(pk=personas.bob.pk).update(merged_into=personas.alice)
    merged = client.post(f"/api/v1/customers/{personas.bob.pk}/erase")
    assert merged.status_code == 409
    assert merged.json()["field"] == "customer_id"
    assert str(personas.alice.pk) in merged.json()["detail"]


def test_erasure_redacts_content_and_identities_and_the_chain_still_verifies(
    personas, alices_history
):
    web, mail, bobs = alices_history
    stored = Attachment.objects.get(filename="lease.pdf").file
    storage, name = stored.storage, stored.name
    token = accounts.issue_token(personas.alice_user)

    response = admin_client(personas).post(f"/api/v1/customers/{personas.alice.pk}/erase")
    assert response.status_code == 200
    assert response.json()["erased"]["messages"] == 3

    assert Customer.objects.get(pk=personas.alice.pk).name == privacy.ERASED_NAME
    assert not CustomerIdentity.objects.filter(customer=personas.alice).exists()
    assert set(
        Ticket.objects.filter(pk__in=[web.pk, mail.pk]).values_list("subject", flat=True)
    ) == {privacy.ERASED}
    assert set(
        Message.objects.filter(ticket__in=[web, mail]).values_list("body_text", flat=True)
    ) == {privacy.ERASED}
    assert not Attachment.objects.filter(filename="lease.pdf").exists()
    assert not storage.exists(name)
    assert all(bytes(c.raw) == b"" for c in InboundContact.objects.filter(ticket=mail))
    # Bob's request is untouched.
    assert Message.objects.get(ticket=bobs).body_text == "It is on fire."
    # Alice cannot sign in or use her token any more.
    login = Client().post(
        "/api/v1/auth/token",
        {"email": "alice@example.com", "password": "pw"},
        content_type="application/json",
    )
    assert login.status_code == 401
    assert accounts.user_for_token(token) is None

    event = AuditEvent.objects.get(kind="customer.erased")
    assert event.subject_id == personas.alice.pk and event.actor_id == personas.root.pk
    assert "alice" not in json.dumps(event.data).lower()
    assert chain_is_intact()


def test_after_erasure_the_export_holds_no_content_outside_the_audit_chain(
    personas, alices_history
):
    privacy.erase_customer(personas.alice)
    document = privacy.export_customer(personas.alice)
    outside_chain = json.dumps({k: v for k, v in document.items() if k != "audit_events"})
    for secret in ("alice", "Elm Street", "7700 900123", "birthday", "lease"):
        assert secret.lower() not in outside_chain.lower()


def test_the_commands_export_to_a_file_and_erase(personas, alices_history, tmp_path):
    out = tmp_path / "alice.json"
    assert cli.main(["customer", "export", str(personas.alice.pk), "--out", str(out)]) == 0
    exported = json.loads(out.read_text())
    assert exported["customer_id"] == personas.alice.pk
    assert exported["profiles"][0]["name"] == "Alice"

    assert cli.main(["customer", "erase", str(personas.alice.pk), "--yes"]) == 0
    assert Customer.objects.get(pk=personas.alice.pk).name == privacy.ERASED_NAME
    assert AuditEvent.objects.filter(kind="customer.erased", actor_id=None).exists()
    assert cli.main(["customer", "export", "999999", "--out", str(out)]) == 1
    assert chain_is_intact()
