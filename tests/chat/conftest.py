"""Chat test kit: a public help center in the search index, a support model whose
self_service layer serves the chat channel, and Gus online in ``general`` to take chats.
Search runs lexically (``HELPMESH_SEARCH_SEMANTIC=off``), as in tests/bot."""

from __future__ import annotations

import pytest
from django.test import Client

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import Role, Team, User
from helpmesh.chat import pubsub
from helpmesh.conversations import hooks
from helpmesh.routing import services as routing
from helpmesh.routing import snapshots, yaml_io
from helpmesh.search import services as search
from helpmesh.search.documents import Document

HELP_CENTER = [
    Document(
        "article",
        11,
        "Change your delivery address",
        "To change your delivery address, open Orders, pick the order and press Edit address. "
        "You can change it until the parcel ships.",
        "/help/articles/11-change-your-delivery-address",
    ),
    Document(
        "article",
        12,
        "Export your data",
        "Admins export every project as a CSV file from Settings, then Export.",
        "/help/articles/12-export-your-data",
    ),
]

MODEL = """
teams:
  - {team: general, assignment: round_robin}
models:
  - name: chat bot first
    active: true
    layers:
      - kind: self_service
        settings: {channels: [chat]}
      - kind: department
        settings: {default_team: general}
"""


@pytest.fixture(autouse=True)
def chat_isolation(settings):
    settings.HELPMESH_SEARCH_SEMANTIC = "off"
    settings.HELPMESH_CHAT_PUBSUB = "memory"
    snapshots.forget_model()
    hooks._steps.cache_clear()
    pubsub.reset()
    yield
    pubsub.reset()


@pytest.fixture
def chat_desk(db) -> User:
    """The help center indexed, the model applied, Gus online in ``general``; returns Gus."""
    search.index_documents(HELP_CENTER)
    accounts.create_team("general")
    yaml_io.apply_document(yaml_io.load(MODEL))
    gus = accounts.create_user("gus@example.com", "pw", name="Gus", role=Role.AGENT)
    accounts.add_to_team(gus, Team.objects.get(slug="general"))
    routing.set_presence(gus, "online")
    return gus


class Visitor:
    """A widget's calls: open a session, then send its token on every call."""

    def __init__(self, name: str = "", email: str = "") -> None:
        self.client = Client()
        payload = {k: v for k, v in {"name": name, "email": email}.items() if v}
        self.started = self.client.post(
            "/api/v1/chat/sessions", payload, content_type="application/json"
        )
        body = self.started.json()
        self.id, self.token = body["id"], body["visitor_token"]

    def post(self, path: str, payload: dict | None = None, token: str | None = None):
        return self.client.post(
            f"/api/v1/chat/sessions/{self.id}{path}",
            payload or {},
            content_type="application/json",
            headers={"X-Visitor-Token": self.token if token is None else token},
        )

    def say(self, body: str):
        return self.post("/messages", {"body": body})

    def transcript(self, token: str | None = None):
        return self.client.get(
            f"/api/v1/chat/sessions/{self.id}/messages",
            headers={"X-Visitor-Token": self.token if token is None else token},
        )


@pytest.fixture
def visitor():
    return Visitor


@pytest.fixture
def chat_model() -> str:
    """The support model's YAML (tests change a layer and apply it again)."""
    return MODEL
