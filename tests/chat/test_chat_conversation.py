"""The conversation behind the widget: the bot answers first with its sources, asking for a
person queues the chat through the support model with the whole transcript on the ticket, an
agent's reply reaches the transcript (live, or by email once the visitor has gone), and the
offline mode turns the chat into an email ticket."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from helpmesh.bot.steps import BOT_EMAIL
from helpmesh.chat import delivery, services
from helpmesh.chat.models import ChatSession
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Ticket
from helpmesh.core import clock
from helpmesh.routing import services as routing

QUESTION = "How do I change my delivery address?"


def _reply(ticket: Ticket, agent, text: str):
    return tickets.add_message(ticket, tickets.NewMessage(text), channel="chat", author_user=agent)


def test_the_bot_answers_the_first_question_with_its_sources(chat_desk, visitor):
    v = visitor()

    posted = v.say(QUESTION)
    assert posted.status_code == 201 and posted.json()["state"] == "bot"

    messages = v.transcript().json()["messages"]
    assert [m["author"] for m in messages] == ["visitor", "bot"]
    answer = messages[1]
    assert answer["body"].startswith("To change your delivery address, open Orders")
    assert answer["sources"] == [
        {
            "kind": "article",
            "id": 11,
            "title": "Change your delivery address",
            "url": "/help/articles/11-change-your-delivery-address",
        }
    ]
    ticket = Ticket.objects.get()
    assert ticket.custom_fields["self_service"] == "answered"
    assert ticket.assignee is None and ticket.team is None  # staff wait for the verdict


def test_without_a_bot_on_chat_staff_get_the_first_message(chat_desk, chat_model, visitor):
    from helpmesh.routing import snapshots, yaml_io

    yaml_io.apply_document(yaml_io.load(chat_model.replace("channels: [chat]", "channels: [web]")))
    snapshots.forget_model()
    v = visitor()

    v.say(QUESTION)

    assert [m["author"] for m in v.transcript().json()["messages"]] == ["visitor"]
    assert Ticket.objects.get().assignee == chat_desk


def test_handoff_queues_the_chat_through_the_support_model_with_the_transcript(chat_desk, visitor):
    v = visitor(name="Ada", email="ada@example.com")
    v.say(QUESTION)

    response = v.post("/handoff")

    assert response.status_code == 200
    body = response.json()
    assert body["queued"] is True and body["agents_online"] is True
    assert body["assignee"] == "Gus"
    ticket = Ticket.objects.get(pk=body["ticket_id"])
    assert ticket.assignee == chat_desk and ticket.team.slug == "general"
    assert ticket.custom_fields["self_service"] == "handed_off"
    assert ticket.custom_fields["self_service_reason"] == "asked_for_human"
    trace = routing.trace_for(ticket)[-1]["trace"]
    assert any("handed off (asked_for_human)" in line for line in trace)
    # The agent reads everything on the ticket: the question and the bot's answer.
    bodies = [m.body_text for m in ticket.messages.all()]
    assert bodies[0] == QUESTION and bodies[1].startswith("To change your delivery address")


def test_asking_for_a_person_in_the_chat_hands_off_too(chat_desk, visitor):
    v = visitor(email="ada@example.com")
    v.say(QUESTION)

    assert v.say("I want to talk to a human").json()["state"] == "staff"

    ticket = Ticket.objects.get()
    assert ticket.custom_fields["self_service_reason"] == "asked_for_human"
    assert ticket.assignee == chat_desk


def test_a_handoff_before_any_message_sends_the_first_one_straight_to_staff(chat_desk, visitor):
    v = visitor()

    first = v.post("/handoff").json()
    v.say(QUESTION)

    assert first["queued"] is False and first["ticket_id"] is None
    ticket = Ticket.objects.get()
    assert ticket.assignee == chat_desk
    assert not ticket.messages.filter(author_user__email=BOT_EMAIL).exists()


def test_an_agent_reply_reaches_the_transcript_live(chat_desk, visitor):
    v = visitor(email="ada@example.com")
    v.say("I need a person please")  # the bot hands off at once
    ticket = Ticket.objects.get()

    _reply(ticket, chat_desk, "Hi Ada, Gus here. Let me look.")

    messages = v.transcript().json()["messages"]
    assert messages[-1]["author"] == "agent" and messages[-1]["name"] == "Gus"
    assert messages[-1]["body"] == "Hi Ada, Gus here. Let me look."
    assert delivery.send_reply(ticket.messages.last()) == "delivered live"
    assert mail.outbox == []  # the visitor was there: nothing by email


def test_when_the_visitor_has_gone_the_reply_goes_by_email(
    chat_desk, visitor, django_capture_on_commit_callbacks
):
    v = visitor(email="ada@example.com")
    v.say("I need a person please")
    ticket = Ticket.objects.get()
    later = clock.now() + services.gone_after() + timedelta(seconds=5)
    with clock.frozen(later), django_capture_on_commit_callbacks(execute=True):
        _reply(ticket, chat_desk, "Sorry for the wait: your parcel left today.")

    (sent,) = mail.outbox
    assert sent.to == ["ada@example.com"]
    assert "your parcel left today" in sent.body


def test_an_anonymous_visitor_who_left_gets_no_mail(chat_desk, visitor):
    v = visitor()
    v.say("I need a person please")
    ticket = Ticket.objects.get()
    services.left(ChatSession.objects.get(pk=v.id))

    message = _reply(ticket, chat_desk, "Are you still there?")

    assert delivery.send_reply(message).startswith("skipped")
    assert v.transcript().json()["messages"][-1]["body"] == "Are you still there?"


def test_offline_mode_turns_the_chat_into_an_email_ticket(chat_desk, visitor):
    routing.set_presence(chat_desk, "offline")
    v = visitor(name="Ada")

    status = v.client.get("/api/v1/chat/status").json()
    response = v.post("/email", {"email": "ada@example.com", "body": "Please call me back"})

    assert status == {"agents_online": False}
    assert response.status_code == 200
    ticket = Ticket.objects.get(pk=response.json()["ticket_id"])
    assert ticket.channel == "email" and response.json()["channel"] == "email"
    assert ticket.requester.primary_address() == "ada@example.com"
    assert v.transcript().json()["messages"][0]["body"] == "Please call me back"


def test_offline_mode_needs_a_valid_address(chat_desk, visitor):
    v = visitor()

    bad = v.post("/email", {"email": "nope", "body": "hi"})
    empty = v.post("/email", {"email": "ada@example.com"})

    assert bad.status_code == 400 and bad.json()["field"] == "email"
    assert empty.status_code == 400 and empty.json()["field"] == "body"
