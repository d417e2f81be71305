"""The bot API contract: shapes, each hand-off reason, ownership, validation, stats."""

from __future__ import annotations

import pytest

from helpmesh.bot.models import BotConversation

ASK_KEYS = {"conversation_id", "answer", "sources", "handoff", "reason"}


def test_an_answer_has_a_short_text_its_source_and_asks_if_it_solved_it(api, personas, kb):
    question = {"question": "How do I reset my password?"}
    response = api(personas.alice_user).post("/bot/ask", question)

    assert response.status_code == 200
    body = response.json()
    assert set(body) >= ASK_KEYS
    assert body["handoff"] is False and body["reason"] == "answered"
    assert body["answer"].startswith("To reset your password, open the sign-in page")
    assert "office" not in body["answer"]
    assert body["sources"] == [
        {
            "kind": "article",
            "id": 1,
            "title": "Reset your password",
            "url": "/help/articles/1-reset-your-password",
        }
    ]
    assert body["prompt"] == "Did this solve it?"
    assert body["ticket_id"] is None and body["token"] == ""


def test_a_question_without_a_good_source_hands_off_with_low_confidence(api, personas, kb):
    body = api(personas.alice_user).post("/bot/ask", {"question": "My printer smokes"}).json()

    assert body["handoff"] is True and body["answer"] is None
    assert body["reason"] == "low_confidence" and body["sources"] == []
    assert body["ticket_id"] is not None  # signed in: staff have it already


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("Can I talk to someone about my password?", "asked_for_human"),
        ("I filed a chargeback for invoice 42", "never_automate"),
        ("Reset password, I will take legal steps", "never_automate"),
    ],
)
def test_each_hand_off_reason(api, personas, kb, question, reason):
    body = api(personas.alice_user).post("/bot/ask", {"question": question}).json()
    assert (body["handoff"], body["reason"], body["answer"]) == (True, reason, None)


def test_the_never_automate_list_is_a_setting(api, personas, kb, settings):
    settings.HELPMESH_BOT_NEVER_AUTOMATE = ["password"]
    body = api(personas.alice_user).post("/bot/ask", {"question": "Reset my password"}).json()
    assert body["reason"] == "never_automate"


def test_the_threshold_is_a_setting(api, personas, kb, settings):
    settings.HELPMESH_BOT_MIN_LEXICAL_CONFIDENCE = 0.9
    question = {"question": "reset password from the mobile app"}  # 3 of 5 words found
    assert api(personas.alice_user).post("/bot/ask", question).json()["reason"] == "low_confidence"
    settings.HELPMESH_BOT_MIN_LEXICAL_CONFIDENCE = 0.5
    assert api(personas.alice_user).post("/bot/ask", question).json()["reason"] == "answered"


@pytest.mark.parametrize("payload", [{"question": ""}, {"question": "   "}, {}])
def test_an_empty_question_is_refused_naming_question(api, personas, payload):
    response = api(personas.alice_user).post("/bot/ask", payload)
    assert response.status_code in (400, 422)
    assert response.json()["field"] == "question"
    assert not BotConversation.objects.exists()


def test_a_conversation_belongs_to_its_asker(api, personas, kb):
    first = api(personas.alice_user).post("/bot/ask", {"question": "Reset my password"}).json()
    cid = first["conversation_id"]

    as_bob = api(personas.bob_user)
    assert as_bob.post(f"/bot/conversations/{cid}/feedback", {"solved": False}).status_code == 404
    assert as_bob.post("/bot/ask", {"question": "x y", "conversation_id": cid}).status_code == 404
    assert as_bob.get(f"/bot/conversations/{cid}").status_code == 404
    assert api(None).get(f"/bot/conversations/{cid}").status_code == 404
    assert api(personas.alice_user).get(f"/bot/conversations/{cid}").status_code == 200


def test_anonymous_askers_see_public_content_and_continue_with_their_token(api, kb):
    anonymous = api(None)
    first = anonymous.post("/bot/ask", {"question": "How do I download invoices?"}).json()
    assert first["reason"] == "answered" and first["sources"][0]["id"] == 2
    token, cid = first["token"], first["conversation_id"]
    assert token

    # The agents-only playbook never answers an anonymous asker.
    refunds = anonymous.post("/bot/ask", {"question": "refund approvals team lead"}).json()
    assert refunds["handoff"] is True and refunds["sources"] == []

    again = {"question": "And the ZIP export?", "conversation_id": cid}
    assert anonymous.post("/bot/ask", again).status_code == 404  # no token
    assert anonymous.post("/bot/ask", {**again, "token": "guess"}).status_code == 404
    follow = anonymous.post("/bot/ask", {**again, "token": token})
    assert follow.status_code == 200 and follow.json()["conversation_id"] == cid


def test_an_anonymous_hand_off_needs_an_email(api, kb, personas):
    anonymous = api(None)
    first = anonymous.post("/bot/ask", {"question": "My printer smokes"}).json()
    assert first["handoff"] is True and first["ticket_id"] is None and first["needs"] == "email"
    path = f"/bot/conversations/{first['conversation_id']}/feedback"

    refused = anonymous.post(path, {"solved": False, "token": first["token"]})
    assert refused.status_code == 400 and refused.json()["field"] == "email"

    handed = anonymous.post(
        path, {"solved": False, "token": first["token"], "email": "dora@example.com"}
    ).json()
    assert handed["ticket_id"] and handed["reason"] == "low_confidence"
    ticket = api(personas.root).get(f"/tickets/{handed['ticket_id']}").json()
    assert ticket["custom_fields"]["self_service_reason"] == "low_confidence"


def test_yes_credits_the_bot_and_stats_count_it(api, personas, kb):
    alice = api(personas.alice_user)
    solved = alice.post("/bot/ask", {"question": "Reset my password"}).json()
    alice.post(f"/bot/conversations/{solved['conversation_id']}/feedback", {"solved": True})
    unsolved = alice.post("/bot/ask", {"question": "Download invoices"}).json()
    alice.post(f"/bot/conversations/{unsolved['conversation_id']}/feedback", {"solved": False})
    alice.post("/bot/ask", {"question": "agent please"})

    assert api(personas.alice_user).get("/bot/stats").status_code == 403
    stats = api(personas.anna).get("/bot/stats").json()
    assert stats["conversations"] == 3 and stats["answered"] == 2 and stats["resolved"] == 1
    assert stats["handed_off_by_reason"] == {"asked_for_human": 1, "not_solved": 1}
    assert stats["handed_off"] == 2 and stats["resolution_rate"] == pytest.approx(1 / 3, 0.01)


def test_the_search_log_learns_how_each_bot_search_ended(api, personas, kb):
    from helpmesh.search.models import SearchQuery

    alice = api(personas.alice_user)
    yes = alice.post("/bot/ask", {"question": "Reset my password"}).json()
    no = alice.post("/bot/ask", {"question": "Download invoices"}).json()
    alice.post(f"/bot/conversations/{yes['conversation_id']}/feedback", {"solved": True})
    handed = alice.post(f"/bot/conversations/{no['conversation_id']}/feedback", {"solved": False})

    outcomes = dict(SearchQuery.objects.filter(source="bot").values_list("text", "outcome"))
    assert outcomes == {"Reset my password": "deflected", "Download invoices": "ticket"}
    ticket_id = SearchQuery.objects.get(outcome="ticket").ticket_id
    assert ticket_id == handed.json()["ticket_id"]
    again = alice.post(f"/bot/conversations/{no['conversation_id']}/feedback", {"solved": True})
    assert again.json()["reason"] == "not_solved"  # staff have it: a late "yes" changes nothing
