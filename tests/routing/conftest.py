"""Routing test kit: a support model from YAML, agents with presence, a fake triage step,
and a clock that starts where each story begins."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

# A module of its own: with several conftest.py files, "conftest.x" names the wrong one.
from routing_fakes import PREDICTIONS

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import Role, Team, User
from helpmesh.conversations import hooks, pipeline
from helpmesh.conversations.models import Ticket
from helpmesh.core import clock
from helpmesh.routing import services, snapshots, yaml_io


@pytest.fixture(autouse=True)
def with_triage(settings):
    PREDICTIONS.clear()
    snapshots.forget_model()  # test databases reuse ids and the frozen clock reuses times
    hooks._steps.cache_clear()
    hooks_conf = dict(settings.HELPMESH_TICKET_HOOKS)
    hooks_conf["received"] = ["routing_fakes.fake_triage", *hooks_conf["received"]]
    settings.HELPMESH_TICKET_HOOKS = hooks_conf
    yield
    hooks._steps.cache_clear()


class Desk:
    """Builds the organization a story needs: teams, agents (online), customers, tickets."""

    def team(self, slug: str) -> Team:
        return Team.objects.filter(slug=slug).first() or accounts.create_team(slug)

    def agent(self, name: str, *teams: str, presence: str = "online", skills=None, **cap) -> User:
        user = accounts.create_user(f"{name.lower()}@example.com", "pw", name=name, role=Role.AGENT)
        for slug in teams:
            accounts.add_to_team(user, self.team(slug))
        if skills:
            accounts.set_skills(user, skills)
        services.set_presence(user, presence, capacity=cap or None)
        return user

    def model(self, text: str) -> None:
        yaml_io.apply_document(yaml_io.load(text))

    def ticket(
        self,
        subject: str,
        *,
        email: str = "carol@example.com",
        channel: str = "email",
        intent: tuple[str, float] | None = None,
        priority: str = "normal",
        **kw,
    ) -> Ticket:
        if intent:
            PREDICTIONS[subject] = intent
        receipt = pipeline.receive(
            pipeline.Inbound(
                channel=channel,
                sender=pipeline.Sender("email", email, "Carol"),
                subject=subject,
                body_text=kw.pop("body", f"About {subject}."),
                priority=priority,
                **kw,
            )
        )
        return receipt.ticket


@pytest.fixture
def desk(db) -> Desk:
    return Desk()


@pytest.fixture
def monday_9am():
    """Monday 2026-03-02 09:00 UTC; the story moves the clock from here."""
    with clock.frozen(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)):
        yield
