"""The demo's bot history is played through the services on the demo's own help center."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpmesh.bot import services
from helpmesh.bot.models import BotConversation
from helpmesh.conversations.models import Status
from helpmesh.core import clock
from helpmesh.customers.models import Customer
from helpmesh.demo import bot, seed


@pytest.fixture(autouse=True)
def lexical_search(settings):
    """The demo as the ``ml`` extra runs it: semantic search (overrides tests/bot/conftest)."""
    yield


def test_the_demo_plays_every_outcome(db):
    seed.seed(tickets=50, customer_count=20, days=30)  # 50 tickets: one bot conversation
    assert BotConversation.objects.count() == 1
    people = list(Customer.objects.prefetch_related("identities"))

    bot.seed(clock.now() - timedelta(days=30), 30, people, count=len(bot.PLAN))

    stats = services.stats(clock.now() - timedelta(days=31))
    assert stats["conversations"] == len(bot.PLAN) + 1
    assert stats["resolved"] >= 5
    assert {"asked_for_human", "never_automate", "low_confidence", "not_solved"} <= set(
        stats["handed_off_by_reason"]
    )
    old = BotConversation.objects.filter(
        status="handed_off", started_at__lt=clock.now() - timedelta(days=3)
    ).select_related("ticket")
    assert old and all(c.ticket.status == Status.SOLVED for c in old if c.ticket.assignee_id)
