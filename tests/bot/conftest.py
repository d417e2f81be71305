"""Bot test kit: a small public help center in the search index, a support model whose
self_service layer serves web and chat, and a desk with an online agent in ``general``.

Search runs lexically here (``HELPMESH_SEARCH_SEMANTIC=off``: no encoder export per test run),
so the bot's confidence is its lexical fallback; the semantic threshold is tested with hits
given directly (test_judgement.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import Role, Team, User
from helpmesh.conversations import hooks
from helpmesh.core import clock
from helpmesh.routing import services as routing
from helpmesh.routing import snapshots, yaml_io
from helpmesh.search import services as search
from helpmesh.search.documents import Audience, Document

ARTICLES = [
    Document(
        "article",
        1,
        "Reset your password",
        "# Reset your password\n\nOur office is open on weekdays. To reset your password, open "
        "the sign-in page and choose **Forgot password**. We email you a link that works for "
        "one hour. If no email arrives, check your spam folder.",
        "/help/articles/1-reset-your-password",
    ),
    Document(
        "article",
        2,
        "Download your invoices",
        "Invoices are under Billing, then Invoices. Choose a month and press Download to get a "
        "PDF invoice. Admins can export every invoice of a year as one ZIP file.",
        "/help/articles/2-download-your-invoices",
    ),
    Document(
        "article",
        3,
        "Internal: refund playbook",
        "Refund approvals over 500 euros need a team lead. Password resets never need one.",
        "/help/articles/3-refund-playbook",
        audience=Audience.AGENTS,
    ),
]

MODEL = """
teams:
  - {team: general, assignment: round_robin}
models:
  - name: bot first
    active: true
    layers:
      - kind: self_service
        settings: {channels: [web, chat]}
      - kind: department
        settings: {default_team: general}
sla_policies:
  - name: standard
    first_response_minutes: 60
    resolution_minutes: 480
"""
MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def lexical_search(settings):
    settings.HELPMESH_SEARCH_SEMANTIC = "off"
    snapshots.forget_model()
    hooks._steps.cache_clear()


@pytest.fixture
def kb(db) -> list[Document]:
    search.index_documents(ARTICLES)
    return ARTICLES


@pytest.fixture
def bot_desk(kb, personas) -> User:
    """The model applied, and Gus online in ``general``; returns Gus."""
    accounts.create_team("general")
    yaml_io.apply_document(yaml_io.load(MODEL))
    gus = accounts.create_user("gus@example.com", "pw", name="Gus", role=Role.AGENT)
    accounts.add_to_team(gus, Team.objects.get(slug="general"))
    routing.set_presence(gus, "online")
    return gus


@pytest.fixture
def monday_9am():
    with clock.frozen(MONDAY_9AM):
        yield
