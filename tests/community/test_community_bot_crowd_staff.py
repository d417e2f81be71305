"""Bot -> crowd -> staff: one community question through every layer of the support model, on
a moving clock. The bot answers on the topic first; the asker says it did not help, so the crowd
gets its time box; nobody solves it, so staff take it under the SLA clock of the question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import Role
from helpmesh.community import crowd, services
from helpmesh.conversations import hooks
from helpmesh.conversations.models import Ticket
from helpmesh.core import clock
from helpmesh.routing import services as routing
from helpmesh.routing import sla, snapshots, yaml_io
from helpmesh.search import services as search
from helpmesh.search.documents import Document

ASKED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ARTICLE = Document(
    "article",
    1,
    "Reset your password",
    "To reset your password, open the sign-in page and choose **Forgot password**. We email "
    "you a link that works for one hour. If no email arrives, check your spam folder.",
    "/help/articles/1-reset-your-password",
)
MODEL = """
teams:
  - {team: general}
models:
  - name: bot, crowd, staff
    active: true
    layers:
      - kind: self_service
        settings: {channels: [community]}
      - kind: community
        settings: {time_box_minutes: 60}
      - kind: department
        settings: {default_team: general}
sla_policies:
  - name: standard
    first_response_minutes: 240
    resolution_minutes: 1440
"""


@pytest.fixture
def layered_desk(db, personas, settings):
    settings.HELPMESH_SEARCH_SEMANTIC = "off"  # the bot's lexical confidence; no encoder export
    settings.HELPMESH_COMMUNITY_APPROVE_FIRST = 0
    snapshots.forget_model()
    hooks._steps.cache_clear()
    general = accounts.create_team("general")
    yaml_io.apply_document(yaml_io.load(MODEL))
    gus = accounts.create_user("gus@example.com", "pw", name="Gus", role=Role.AGENT)
    accounts.add_to_team(gus, general)
    routing.set_presence(gus, "online")
    search.index_documents([ARTICLE])
    services.create_category("Questions", is_default=True)
    yield gus
    snapshots.forget_model()


def test_bot_then_crowd_then_staff_each_step_in_the_trace(layered_desk, personas):
    with clock.frozen(ASKED):
        topic = services.ask(
            personas.alice_user,
            title="How do I reset my password?",
            body="I forgot my password and cannot sign in.",
        )
    topic.refresh_from_db()
    ticket = Ticket.objects.get(pk=topic.ticket_id)
    bot_post = topic.posts.get(is_question=False)
    assert "reset your password" in bot_post.body.lower() and not bot_post.is_official
    assert ticket.custom_fields["self_service"] == "answered" and ticket.team_id is None

    with clock.frozen(ASKED + timedelta(minutes=10)):
        services.reply(topic, personas.alice_user, "That did not help, no email ever arrives.")
    ticket.refresh_from_db()
    assert ticket.custom_fields["self_service"] == "handed_off"
    assert ticket.team_id is None  # the crowd's turn now

    with clock.frozen(ASKED + timedelta(minutes=61)):
        assert crowd.escalate_due() == 1
    ticket.refresh_from_db()
    assert ticket.team.slug == "general" and ticket.assignee == layered_desk

    steps = [(d["kind"], " | ".join(d["trace"])) for d in routing.trace_for(ticket)]
    assert [kind for kind, _ in steps] == ["received", "handoff", "escalate"]
    assert "self-service: the bot answered on community" in steps[0][1]
    assert "the bot handed off (not_solved)" in steps[1][1]
    assert "community: the crowd has it until 2026-03-02 10:00 UTC" in steps[1][1]
    assert "community: not solved by the crowd" in steps[2][1] and "department" in steps[2][1]
    # The SLA counts from the question at 09:00, whatever the detours.
    assert sla.due_times_for([ticket])[ticket.pk]["first_response_due"] == ASKED + timedelta(
        minutes=240
    )
