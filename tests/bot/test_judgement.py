"""The bot's judgement alone: phrases, never-automate topics, confidence and the answer."""

from __future__ import annotations

import pytest

from helpmesh.bot import answers, judge
from helpmesh.search import engine
from helpmesh.search.documents import Hit


@pytest.mark.parametrize(
    "text",
    [
        "Can I talk to someone please?",
        "agent",
        "HUMAN!!",
        "I want a real person",
        "Je veux parler à quelqu'un",
        "Quiero hablar con una persona",
        "Kann ich mit jemandem sprechen?",
    ],
)
def test_asking_for_a_person_in_several_languages(text):
    assert answers.asks_for_human(text)


@pytest.mark.parametrize(
    "text",
    [
        "How do I add a person to my team in the settings page?",
        "What does the user agent string of the mobile app look like?",
        "How do I reset my password?",
    ],
)
def test_questions_that_only_mention_people_are_not_requests(text):
    assert not answers.asks_for_human(text)


def test_never_automate_by_phrase_or_by_intent():
    topics = ["billing dispute", "chargeback", "legal"]
    assert answers.never_automate("I filed a Chargeback with my bank", None, topics)
    assert answers.never_automate("About my invoice", "billing_dispute", topics)
    assert answers.never_automate("The illegal parking fine", None, topics) is None
    assert answers.never_automate("Reset my password", "account", topics) is None


def test_the_passage_is_the_best_sentences_of_the_body_without_markdown():
    body = (
        "# Reset\n\nOur office is open on weekdays. To reset your password, open the "
        "[sign-in page](/login) and choose **Forgot password**. We email you a link.\n\n"
        "Unrelated closing words."
    )
    text = answers.passage("How can I reset my password?", body, title="Passwords")
    assert text.startswith("To reset your password, open the sign-in page and choose Forgot")
    assert "office" not in text and "**" not in text and "(/login)" not in text
    assert len(answers.sentences(text)) <= 3


def test_lexical_confidence_is_the_share_of_question_words_found():
    assert answers.lexical_confidence("reset my password", "Passwords", "reset it") == 1.0
    assert answers.lexical_confidence("password for the wifi router", "Passwords", "") == 0.3333
    assert answers.lexical_confidence("how is it", "x", "y") == 0.0


def _hits(semantic):
    return [Hit("article", 1, "Reset your password", "…", "/a/1", 0.9, semantic, 1)]


@pytest.mark.parametrize(("semantic", "reason"), [(0.71, "answered"), (0.49, "low_confidence")])
def test_the_semantic_score_of_the_top_hit_decides(monkeypatch, db, semantic, reason):
    monkeypatch.setattr(engine, "search", lambda *a, **k: engine.Results(_hits(semantic), 7))
    policy = judge.Policy(min_confidence=0.5)

    verdict = judge.judge("forgot my login secret", viewer=None, policy=policy)

    assert verdict.reason == reason and verdict.confidence == semantic
    assert verdict.query_id == 7
    if reason == "answered":
        assert verdict.sources == [
            {"kind": "article", "id": 1, "title": "Reset your password", "url": "/a/1"}
        ]


def test_the_layer_may_raise_the_threshold_and_replace_the_topics():
    base = judge.Policy(min_confidence=0.5, never_automate=("legal",))
    layered = judge.with_layer(base, {"min_confidence": 0.8, "never_automate": ["refund"]})
    assert layered.min_confidence == 0.8 and layered.never_automate == ("refund",)
    assert judge.with_layer(base, {"channels": ["web"]}) == base


class FakeTriage:
    """A triage model with an out-of-scope label, as ``triage.services`` would load it."""

    class meta:  # shaped like TriageModel.meta
        out_of_scope_label = "oos"

    def __init__(self, label):
        self.label = label

    def predict(self, texts):
        from helpmesh.triage.model import Prediction

        return [Prediction(self.label, 0.2) for _ in texts]


@pytest.mark.parametrize(
    ("label", "reason"), [("oos", "out_of_scope"), ("billing_dispute", "never_automate")]
)
def test_triage_says_out_of_scope_or_a_never_automate_intent(monkeypatch, db, label, reason):
    from helpmesh.triage import services as triage

    monkeypatch.setattr(triage, "configured_model", lambda: (FakeTriage(label), None))
    verdict = judge.judge("What is the weather in Paris?", viewer=None, policy=judge.Policy())
    assert verdict.reason == reason
