"""Real time: the visitor's stream replays what it missed (Last-Event-ID), then yields each
message published after it connected; typing passes through; the agents' inbox stream hears
visitors; the pub/sub works in-process and through Redis."""

from __future__ import annotations

import json
import socket
import threading

import pytest

from helpmesh.chat import pubsub, services, streams
from helpmesh.chat.models import ChatSession
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Ticket


def _frames(chunks):
    """Parse SSE frames into (event, id, data) triples, skipping comments and retry."""
    found = []
    for chunk in chunks:
        fields = dict(
            line.split(": ", 1) for line in chunk.strip().splitlines() if not line.startswith(":")
        )
        if "event" in fields:
            found.append((fields["event"], fields.get("id"), json.loads(fields["data"])))
    return found


def _until_quiet(stream, limit=20):
    """Read frames until the first heartbeat (nothing more to say for now)."""
    chunks = []
    for _ in range(limit):
        chunk = next(stream)
        if chunk.startswith(": keepalive"):
            break
        chunks.append(chunk)
    return _frames(chunks)


def test_the_stream_yields_a_message_published_after_connect(
    chat_desk, visitor, django_capture_on_commit_callbacks
):
    v = visitor(email="ada@example.com")
    v.say("I need a person please")
    session = ChatSession.objects.get(pk=v.id)
    stream = streams.visitor_events(session, heartbeat=0.05, until=10)

    history = _until_quiet(stream)
    with django_capture_on_commit_callbacks(execute=True):
        reply = tickets.add_message(
            Ticket.objects.get(),
            tickets.NewMessage("Gus here, on it."),
            channel="chat",
            author_user=chat_desk,
        )
    live = _until_quiet(stream)
    stream.close()

    assert [data["author"] for _, _, data in history] == ["visitor"]  # handed off: no answer
    assert live == [("message", str(reply.pk), live[0][2])]
    assert live[0][2]["body"] == "Gus here, on it." and live[0][2]["author"] == "agent"


def test_a_reconnect_replays_only_what_was_missed(chat_desk, visitor):
    v = visitor(email="ada@example.com")
    first = v.say("How do I change my delivery address?").json()["id"]

    stream = streams.visitor_events(
        ChatSession.objects.get(pk=v.id), last_id=first, heartbeat=0.05, until=10
    )
    replayed = _until_quiet(stream)
    stream.close()

    assert [data["author"] for _, _, data in replayed] == ["bot"]
    assert all(int(event_id) > first for _, event_id, _ in replayed)


def test_the_visitor_is_present_while_streaming_and_gone_after(chat_desk, visitor):
    v = visitor()
    session = ChatSession.objects.get(pk=v.id)
    stream = streams.visitor_events(session, heartbeat=0.05, until=10)
    next(stream)

    assert services.present(ChatSession.objects.get(pk=v.id))
    stream.close()
    assert not services.present(ChatSession.objects.get(pk=v.id))


def test_agent_typing_reaches_the_visitor_and_visitor_typing_the_inbox(chat_desk, visitor, api):
    v = visitor(email="ada@example.com")
    v.say("I need a person please")
    ticket = Ticket.objects.get()
    stream = streams.visitor_events(ChatSession.objects.get(pk=v.id), heartbeat=0.05, until=10)
    _until_quiet(stream)
    inbox = streams.inbox_events(chat_desk, heartbeat=0.05, until=10)
    _until_quiet(inbox)

    assert api(chat_desk).post(f"/chat/tickets/{ticket.pk}/typing").status_code == 204
    assert v.post("/typing").status_code == 204

    assert _until_quiet(stream) == [("typing", None, {"who": "agent"})]
    assert _until_quiet(inbox) == [("typing", None, {"ticket_id": ticket.pk, "who": "visitor"})]
    stream.close()
    inbox.close()


def test_the_inbox_stream_hears_visitors_on_chats_the_agent_sees(
    chat_desk, visitor, django_capture_on_commit_callbacks
):
    inbox = streams.inbox_events(chat_desk, heartbeat=0.05, until=10)
    _until_quiet(inbox)
    v = visitor(email="ada@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        v.say("Where is my parcel?")
    events = _until_quiet(inbox)
    inbox.close()

    assert [(e, d["body"]) for e, _, d in events] == [("message", "Where is my parcel?")]
    assert events[0][2]["ticket_id"] == Ticket.objects.get().pk


def test_the_events_endpoint_streams_server_sent_events(
    chat_desk, visitor, api, personas, settings
):
    settings.HELPMESH_CHAT_STREAM_SECONDS = 0  # replay, then end: the browser reconnects
    v = visitor(email="ada@example.com")
    asked = v.say("How do I change my delivery address?").json()["id"]

    response = v.client.get(
        f"/api/v1/chat/sessions/{v.id}/events?token={v.token}",
        headers={"Last-Event-ID": str(asked)},
    )
    body = b"".join(response.streaming_content).decode()

    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert body.startswith("retry: 2000\n\n")
    ((event, event_id, data),) = _frames(body.split("\n\n"))
    assert event == "message" and int(event_id) > asked and data["author"] == "bot"
    assert api(personas.alice_user).get("/chat/inbox/events").status_code == 403


def test_the_in_process_hub_fans_out_by_key():
    hub = pubsub.Hub()
    ada, ada_too, bob = hub.subscribe("session:1"), hub.subscribe("session:1"), hub.subscribe("2")

    hub.publish("session:1", {"type": "message", "id": 7})

    assert ada.get(0.1) == ada_too.get(0.1) == {"type": "message", "id": 7}
    assert bob.get(0.01) is None
    ada.close()
    ada_too.close()
    assert hub.listening("session:1") == 0


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.2).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_the_redis_hub_carries_events_between_processes():
    listener, other_process = (
        pubsub.RedisHub("redis://127.0.0.1:6379/0"),
        pubsub.RedisHub("redis://127.0.0.1:6379/0"),
    )
    key = f"session:test-{threading.get_ident()}"
    sub = listener.subscribe(key)

    other_process.publish(key, {"type": "message", "id": 42})

    assert sub.get(timeout=5) == {"type": "message", "id": 42}
    sub.close()
