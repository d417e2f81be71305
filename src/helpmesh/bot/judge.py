"""Decide one question: answer it from the best source, or say why a person must.

    judge(question, viewer=..., policy=...) -> Verdict

In order: the customer asked for a person (``asked_for_human``); a never-automate topic, by
phrase or by triage's intent (``never_automate``); triage's out-of-scope label
(``out_of_scope``); no source sure enough (``low_confidence``). Otherwise the answer is the
best 1-3 sentences of the best source, and the source goes with it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from helpmesh.accounts.models import User
from helpmesh.bot import answers

log = logging.getLogger(__name__)

# Calibrated on StackFAQ + CLINC150 out-of-scope queries (bench/bot_calibrate.py, docs/bot.md):
# 95.6% right decisions with embeddings, 69.2% lexical only.
DEFAULT_MIN_CONFIDENCE = 0.35
DEFAULT_MIN_LEXICAL_CONFIDENCE = 0.54
DEFAULT_NEVER_AUTOMATE = ("billing dispute", "chargeback", "legal", "cancel contract")
KINDS = ["article", "topic"]


@dataclass(frozen=True)
class Policy:
    """The thresholds and never-automate topics one decision uses."""

    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    min_lexical_confidence: float = DEFAULT_MIN_LEXICAL_CONFIDENCE
    never_automate: tuple[str, ...] = DEFAULT_NEVER_AUTOMATE


@dataclass
class Verdict:
    reason: str
    answer: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)
    confidence: float | None = None
    query_id: int | None = None

    @property
    def answered(self) -> bool:
        return self.reason == "answered"


def default_policy() -> Policy:
    """The settings' policy (read at call time, never at import)."""
    return Policy(
        float(getattr(settings, "HELPMESH_BOT_MIN_CONFIDENCE", DEFAULT_MIN_CONFIDENCE)),
        float(
            getattr(settings, "HELPMESH_BOT_MIN_LEXICAL_CONFIDENCE", DEFAULT_MIN_LEXICAL_CONFIDENCE)
        ),
        tuple(getattr(settings, "HELPMESH_BOT_NEVER_AUTOMATE", DEFAULT_NEVER_AUTOMATE)),
    )


def with_layer(base: Policy, layer_settings: Mapping[str, Any] | None) -> Policy:
    """The support model's self_service layer may set its own threshold and topics."""
    if not layer_settings:
        return base
    confidence = layer_settings.get("min_confidence")
    topics = layer_settings.get("never_automate")
    return Policy(
        base.min_confidence if confidence is None else float(confidence),
        base.min_lexical_confidence,
        base.never_automate if topics is None else tuple(topics),
    )


def policy_for(ticket_channel: str) -> Policy:
    """The settings' policy, refined by the active model's self_service layer for the channel."""
    from helpmesh.routing import snapshots

    model = snapshots.active_model()
    layer = next(
        (
            layer
            for layer in (model.layers if model else ())
            if layer.kind == "self_service" and ticket_channel in layer.settings.get("channels", ())
        ),
        None,
    )
    return with_layer(default_policy(), layer.settings if layer else None)


def judge(question: str, *, viewer: User | None, policy: Policy) -> Verdict:
    """Answer or hand off ``question`` (searching as ``viewer`` sees the knowledge base)."""
    if answers.asks_for_human(question):
        return Verdict("asked_for_human")
    intent, out_of_scope = triage(question)
    if answers.never_automate(question, intent, policy.never_automate):
        return Verdict("never_automate")
    if out_of_scope:
        return Verdict("out_of_scope")
    return _search(question, viewer, policy)


def _search(question: str, viewer: User | None, policy: Policy) -> Verdict:
    from helpmesh.search import engine

    results = engine.search(question, viewer=viewer, kinds=KINDS, limit=5, source="bot", log=True)
    if not results.hits:
        return Verdict("low_confidence", confidence=0.0, query_id=results.query_id)
    top = results.hits[0]
    body = document_text(top.kind, top.id) or top.snippet
    if top.semantic is not None:
        confidence, threshold = float(top.semantic), policy.min_confidence
    else:
        confidence = answers.lexical_confidence(question, top.title, body)
        threshold = policy.min_lexical_confidence
    if confidence < threshold:
        return Verdict("low_confidence", confidence=confidence, query_id=results.query_id)
    source = {"kind": top.kind, "id": top.id, "title": top.title, "url": top.url}
    return Verdict(
        "answered",
        _passage(top, question, body),
        [source],
        confidence,
        results.query_id,
    )


def _passage(hit: Any, question: str, body: str) -> str:
    """Search's own passage picker when it has one, else the bot's (answers.passage)."""
    from helpmesh.search import engine

    picker = getattr(engine, "answer_passage", None)
    if picker is not None:
        try:
            text = str(picker(hit, question) or "")
        except Exception:  # advice only: fall back to the bot's own choice
            log.exception("search's answer_passage failed; using the bot's passage")
            text = ""
        if text:
            return text
    return answers.passage(question, body, title=hit.title)


def document_text(kind: str, object_id: int) -> str:
    """The stored text of a search document (the article's Markdown body)."""
    from helpmesh.search.models import SearchDocument

    body = (
        SearchDocument.objects.filter(kind=kind, object_id=object_id)
        .values_list("body", flat=True)
        .first()
    )
    return str(body or "")


def triage(text: str) -> tuple[str | None, bool]:
    """Triage's intent for ``text`` and whether it is out of scope; (None, False) when no
    model is trained or it cannot be used (triage is advice)."""
    from helpmesh.triage import services as triage_services
    from helpmesh.triage.model import ModelError

    try:
        models = triage_services.configured_model()
        if models is None:
            return None, False
        model = models[0]
        prediction = model.predict([text])[0]
    except (ModelError, OSError):
        log.exception("the bot skipped triage: the model cannot be used")
        return None, False
    label = model.meta.out_of_scope_label
    return prediction.label, bool(label) and prediction.label == label
