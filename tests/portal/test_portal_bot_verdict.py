"""A request the answer bot answered asks the customer in the portal whether it solved it:
yes solves it (credited to the bot), no hands it to staff with nothing to repeat."""

from __future__ import annotations

import pytest
from django.test import Client

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import Role
from helpmesh.conversations import hooks, pipeline
from helpmesh.conversations.models import Ticket
from helpmesh.routing import services as routing
from helpmesh.routing import snapshots, yaml_io
from helpmesh.search import services as search
from helpmesh.search.documents import Document

MODEL = """
teams:
  - {team: general}
models:
  - name: bot first
    active: true
    layers:
      - kind: self_service
        settings: {channels: [web]}
      - kind: department
        settings: {default_team: general}
"""


@pytest.fixture
def answered(db, personas, settings) -> Ticket:
    settings.HELPMESH_SEARCH_SEMANTIC = "off"
    snapshots.forget_model()
    hooks._steps.cache_clear()
    general = accounts.create_team("general")
    yaml_io.apply_document(yaml_io.load(MODEL))
    gus = accounts.create_user("gus@example.com", "pw", name="Gus", role=Role.AGENT)
    accounts.add_to_team(gus, general)
    routing.set_presence(gus, "online")
    search.index_documents(
        [
            Document(
                "article",
                1,
                "Reset your password",
                "To reset your password, open the sign-in page and choose Forgot password.",
                "/help/articles/1-reset-your-password/",
            )
        ]
    )
    receipt = pipeline.receive(
        pipeline.Inbound(
            channel="web",
            sender=pipeline.Sender(user=personas.alice_user),
            subject="How do I reset my password?",
            body_text="I forgot my password.",
        )
    )
    ticket = receipt.ticket
    ticket.refresh_from_db()
    assert ticket.custom_fields["self_service"] == "answered"
    yield ticket
    snapshots.forget_model()


def alice(personas) -> Client:
    client = Client()
    client.force_login(personas.alice_user)
    return client


def test_the_request_page_asks_and_yes_solves_it(answered, personas):
    page = alice(personas).get(f"/portal/requests/{answered.pk}/")
    assert b"Did this answer solve your question?" in page.content

    alice(personas).post(f"/portal/requests/{answered.pk}/bot-verdict/", {"solved": "yes"})

    answered.refresh_from_db()
    assert answered.status == "solved"
    assert answered.custom_fields["self_service"] == "resolved"
    after = alice(personas).get(f"/portal/requests/{answered.pk}/")
    assert b"Did this answer solve your question?" not in after.content


def test_no_hands_it_to_staff(answered, personas):
    alice(personas).post(f"/portal/requests/{answered.pk}/bot-verdict/", {"solved": "no"})

    answered.refresh_from_db()
    assert answered.custom_fields["self_service"] == "handed_off"
    assert answered.team.slug == "general" and answered.assignee.email == "gus@example.com"


def test_only_the_requester_may_answer(answered, personas):
    bob = Client()
    bob.force_login(personas.bob_user)
    response = bob.post(f"/portal/requests/{answered.pk}/bot-verdict/", {"solved": "yes"})
    assert response.status_code == 404
    answered.refresh_from_db()
    assert answered.status != "solved"
