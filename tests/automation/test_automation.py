"""Triggers, macros and signed webhooks retried through the task queue."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from helpmesh.automation import actions, services, tasks, webhooks
from helpmesh.automation.models import DeliveryState, Macro, Trigger, Webhook, WebhookDelivery
from helpmesh.core import clock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def sent(monkeypatch):
    """Captures webhook POSTs instead of the network; set ``status`` to make them fail."""
    calls: list[dict] = []
    state = {"status": 200}

    def fake_post(url, body, headers):
        calls.append({"url": url, "body": body, "headers": headers})
        if state["status"] == 0:
            raise OSError("connection refused")
        return state["status"]

    monkeypatch.setattr(webhooks, "post", fake_post)
    calls_state = type("Sent", (), {"calls": calls, "state": state})
    return calls_state


def test_a_created_trigger_tags_raises_priority_and_replies(personas):
    Trigger.objects.create(
        name="vip refunds",
        event="created",
        when={"subject_contains": "refund"},
        actions=[
            {"set_priority": "high"},
            {"add_tags": ["refund"]},
            {"reply": "Hi {{ requester.name }}, we got your refund request #{{ ticket.id }}."},
        ],
    )
    ticket = personas.ticket_for(personas.alice_user, subject="Refund for order 7")
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    reply = ticket.messages.filter(internal=False).last()
    assert reply.body_text == f"Hi Alice, we got your refund request #{ticket.pk}."
    assert reply.author_user.email == actions.AUTOMATION_EMAIL


def test_a_time_trigger_fires_once_per_ticket(personas, django_capture_on_commit_callbacks):
    Trigger.objects.create(
        name="stale",
        event="time",
        when={"waiting_minutes": 60, "status": "new"},
        actions=[{"notify": "team"}, {"add_tags": ["stale"]}],
    )
    with clock.frozen(START):
        ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
        assert services.run_time_triggers() == 0
        clock.advance(timedelta(minutes=61))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.run_time_triggers() == 1
        assert services.run_time_triggers() == 0
    assert "stale" in ticket.tags.values_list("name", flat=True)
    assert set(mail.outbox[-1].to) == {"anna@example.com", "lisa@example.com"}


def test_macros_apply_actions_and_a_canned_reply_as_the_agent(personas):
    macro = Macro.objects.create(
        name="Close as duplicate",
        actions=[{"set_status": "solved"}, {"add_tags": ["duplicate"]}],
        reply="This is a duplicate of an earlier request, {{ requester.name }}.",
    )
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    services.apply_macro(macro, ticket, actor=personas.anna)
    assert ticket.status == "solved"
    assert ticket.messages.last().author_user == personas.anna


def test_webhooks_are_signed_sent_after_commit_and_retried_with_backoff(
    personas, sent, django_capture_on_commit_callbacks
):
    Webhook.objects.create(
        name="crm", url="https://crm.example/hook", secret="s3cret", events=["ticket.created"]
    )
    with clock.frozen(START):
        sent.state["status"] = 0
        with django_capture_on_commit_callbacks(execute=True):
            ticket = personas.ticket_for(personas.alice_user)
        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)
        assert "connection refused" in delivery.last_error
        assert tasks.retry_webhooks.call() == 0  # not due yet: back-off
        clock.advance(timedelta(minutes=1))
        sent.state["status"] = 200
        assert tasks.retry_webhooks.call() == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 2
    call = sent.calls[-1]
    assert json.loads(call["body"])["ticket"]["id"] == ticket.pk
    assert webhooks.verify(
        "s3cret", call["body"], call["headers"][webhooks.HEADER], now=int(START.timestamp()) + 60
    )
    assert not webhooks.verify(
        "wrong", call["body"], call["headers"][webhooks.HEADER], now=int(START.timestamp()) + 60
    )


def test_a_delivery_gives_up_after_the_last_backoff(
    personas, sent, django_capture_on_commit_callbacks
):
    Webhook.objects.create(name="down", url="https://down.example/", secret="k")
    sent.state["status"] = 500
    with clock.frozen(START):
        with django_capture_on_commit_callbacks(execute=True):
            personas.ticket_for(personas.alice_user)
        for step in webhooks.BACKOFF:
            clock.advance(step)
            tasks.retry_webhooks.call()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == len(webhooks.BACKOFF) + 1


@pytest.mark.parametrize(
    ("bad", "path"),
    [
        ([{"set_colour": "red"}], "actions[0].set_colour"),
        ([{"a": 1, "b": 2}], "actions[0]"),
        ([{"set_fields": "x"}], "actions[0].set_fields"),
    ],
)
def test_bad_actions_name_the_entry(bad, path):
    with pytest.raises(actions.ActionError) as caught:
        actions.validate(bad)
    assert caught.value.path == path
