"""The hand-off story end to end, on a moving clock: a customer asks, the bot answers with a
source, the customer says no, and staff get one ticket holding the whole exchange, routed
through the support model, with the SLA counted from the customer's first question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from helpmesh.core import clock

MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_no_hands_the_whole_exchange_to_staff(api, personas, bot_desk, monday_9am):
    alice = api(personas.alice_user)
    answered = alice.post("/bot/ask", {"question": "How do I reset my password?"}).json()
    assert answered["reason"] == "answered"
    cid = answered["conversation_id"]

    clock.advance(timedelta(minutes=5))
    again = alice.post(
        "/bot/ask", {"question": "Where do I download my invoices?", "conversation_id": cid}
    )
    assert again.json()["sources"][0]["title"] == "Download your invoices"

    clock.advance(timedelta(minutes=15))
    verdict = alice.post(f"/bot/conversations/{cid}/feedback", {"solved": False}).json()
    assert verdict["handoff"] is True and verdict["reason"] == "not_solved"
    ticket_id = verdict["ticket_id"]

    # An agent sees it: assigned to Gus, with every word of the exchange and its sources.
    gus = api(bot_desk)
    ticket = gus.get(f"/tickets/{ticket_id}").json()
    assert ticket["assignee_id"] == bot_desk.pk and ticket["channel"] == "web"
    assert ticket["subject"] == "How do I reset my password?"
    assert ticket["custom_fields"]["self_service"] == "handed_off"
    assert ticket["custom_fields"]["self_service_reason"] == "not_solved"
    (message,) = gus.get(f"/tickets/{ticket_id}/messages").json()
    lines = message["body"].split("\n\n")
    assert lines[0] == "Customer: How do I reset my password?"
    assert lines[1].startswith("Bot: To reset your password")
    assert lines[1].endswith("(source: Reset your password /help/articles/1-reset-your-password)")
    assert lines[2] == "Customer: Where do I download my invoices?"
    assert lines[-1] == "Customer: No, I still need help."

    # Routing ran through the support model: the self-service line, then the staff layers.
    (decision,) = gus.get(f"/tickets/{ticket_id}/routing").json()
    assert decision["trace"][1] == (
        "self-service: the bot handed off (not_solved) -> passing to the next layer"
    )
    assert decision["trace"][2].startswith("department:")

    # The SLA counts from the first question (09:00), not from the hand-off (09:20).
    sla = gus.get(f"/tickets/{ticket_id}/sla").json()
    assert sla["first_response_due"].startswith("2026-03-02T10:00")
    assert message["created_at"].startswith("2026-03-02T09:00")

    # Alice sees her own ticket; she never repeated anything.
    assert alice.get(f"/tickets/{ticket_id}").status_code == 200


def test_a_later_question_continues_the_same_ticket(api, personas, bot_desk, monday_9am):
    alice = api(personas.alice_user)
    first = alice.post("/bot/ask", {"question": "agent please"}).json()
    assert first["reason"] == "asked_for_human"
    clock.advance(timedelta(minutes=3))
    follow = alice.post(
        "/bot/ask", {"question": "It is about order 7", "conversation_id": first["conversation_id"]}
    ).json()

    assert follow["handoff"] is True and follow["ticket_id"] == first["ticket_id"]
    messages = api(bot_desk).get(f"/tickets/{first['ticket_id']}/messages").json()
    assert [m["body"] for m in messages][-1] == "It is about order 7"
    assert clock.now() == MONDAY_9AM + timedelta(minutes=3)
