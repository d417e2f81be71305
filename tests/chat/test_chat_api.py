"""The chat API contract: status codes, the visitor token, the transcript, one ticket."""

from __future__ import annotations

import hashlib

from helpmesh.chat.models import ChatSession
from helpmesh.conversations.models import InboundContact, Ticket
from helpmesh.customers.models import IdentityKind


def test_an_anonymous_visitor_opens_a_chat(chat_desk, visitor):
    v = visitor()

    assert v.started.status_code == 201
    assert set(v.started.json()) == {"id", "visitor_token", "ticket_id"}
    assert v.started.json()["ticket_id"] is None
    session = ChatSession.objects.get(pk=v.id)
    assert session.token_hash == hashlib.sha256(v.token.encode()).hexdigest()
    assert v.token not in session.token_hash
    identity = session.customer.identities.get()
    assert identity.kind == IdentityKind.EXTERNAL and identity.value.startswith("chat-visitor:")


def test_a_visitor_with_an_email_is_that_customer(chat_desk, visitor):
    first, second = visitor(name="Ada", email="Ada@Example.com"), visitor(email="ada@example.com")

    one, two = ChatSession.objects.get(pk=first.id), ChatSession.objects.get(pk=second.id)
    assert one.customer_id == two.customer_id
    assert one.customer.identities.get().value == "ada@example.com"
    assert one.customer.name == "Ada"


def test_a_bad_email_is_a_400_naming_it(chat_desk, client):
    response = client.post(
        "/api/v1/chat/sessions", {"email": "not-an-address"}, content_type="application/json"
    )

    assert response.status_code == 400 and response.json()["field"] == "email"


def test_a_wrong_or_missing_token_is_a_403(chat_desk, visitor):
    v = visitor()
    other = visitor()

    assert v.post("/messages", {"body": "hello"}, token=other.token).status_code == 403
    assert v.post("/messages", {"body": "hello"}, token="").status_code == 403
    assert v.transcript(token="nope").status_code == 403
    assert v.post("/handoff", token="nope").status_code == 403
    assert v.client.get(f"/api/v1/chat/sessions/{v.id}/events?token=nope").status_code == 403
    assert v.transcript().status_code == 200


def test_an_unknown_session_is_a_404(chat_desk, visitor):
    v = visitor()
    v.id = v.id + 1000
    assert v.say("hello").status_code == 404


def test_an_empty_message_is_refused_naming_body(chat_desk, visitor):
    v = visitor()

    response = v.say("   ")
    assert response.status_code == 400 and response.json()["field"] == "body"
    assert v.post("/messages", {}).status_code == 422
    assert v.post("/messages", {}).json()["field"] == "body"


def test_messages_land_on_one_chat_ticket_through_the_pipeline(chat_desk, visitor):
    v = visitor(email="ada@example.com")

    first = v.say("My parcel has not arrived and the tracking page is blank")
    second = v.say("It was order 1234")

    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["author"] == "visitor"
    ticket = Ticket.objects.get()
    assert ticket.channel == "chat"
    assert ChatSession.objects.get(pk=v.id).ticket_id == ticket.pk
    bodies = [m.body_text for m in ticket.messages.filter(author_customer__isnull=False)]
    assert bodies == [
        "My parcel has not arrived and the tracking page is blank",
        "It was order 1234",
    ]
    contacts = InboundContact.objects.filter(channel="chat", ticket=ticket)
    assert contacts.count() == 2
    assert all(c.source_id.startswith(f"chat:{v.id}:") for c in contacts)


def test_a_retried_send_with_the_same_client_id_lands_once(chat_desk, visitor):
    v = visitor(email="ada@example.com")

    a = v.post("/messages", {"body": "Where is my parcel?", "client_id": "m-1"})
    b = v.post("/messages", {"body": "Where is my parcel?", "client_id": "m-1"})

    assert a.json()["id"] == b.json()["id"]
    assert Ticket.objects.get().messages.filter(author_customer__isnull=False).count() == 1


def test_the_widget_script_is_served_with_cors(client):
    response = client.get("/widget.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert b"X-Visitor-Token" in response.content


def test_the_visitor_api_answers_preflights_for_other_sites(client):
    response = client.options(
        "/api/v1/chat/sessions/1/messages",
        headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"},
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "X-Visitor-Token" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/tickets")
