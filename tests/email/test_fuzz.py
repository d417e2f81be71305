"""Arbitrary bytes never crash the parser, and ingestion never loses the raw message."""

from __future__ import annotations

import json

from emails import eml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpmesh.channels.email import reply, services
from helpmesh.channels.email.parser import parse
from helpmesh.conversations.models import InboundContact

SEEDS = [eml("gmail_reply.eml"), eml("rfc2231_tnef_nested.eml"), eml("bounce_dsn.eml")]


def _mutations():
    def mutate(seed_and_edit):
        seed, position, junk = seed_and_edit
        position = position % (len(seed) + 1)
        return seed[:position] + junk + seed[position + len(junk) :]

    return st.tuples(st.sampled_from(SEEDS), st.integers(0, 10_000), st.binary(max_size=64)).map(
        mutate
    )


@given(st.one_of(st.binary(max_size=2000), _mutations()))
@settings(max_examples=300, deadline=None)
def test_parse_never_raises_and_always_serializes(raw):
    mail = parse(raw)
    assert mail.raw == raw
    json.dumps(mail.as_json())


@given(st.text(max_size=500))
@settings(max_examples=300, deadline=None)
def test_reply_extraction_never_raises(text):
    reply.read(text)


@given(st.one_of(st.binary(min_size=1, max_size=1500), _mutations()))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_ingest_keeps_every_raw_message(db, raw):
    result = services.ingest(raw)
    kept = InboundContact.objects.filter(source_id=result.source_id).first()
    from helpmesh.channels.email.models import IgnoredMail

    ignored = IgnoredMail.objects.filter(source_id=result.source_id).first()
    stored = bytes(kept.raw) if kept else bytes(ignored.raw) if ignored else None
    if result.outcome == "duplicate":
        assert kept is not None or ignored is not None
    else:
        assert stored == raw, result
