"""End to end in headless Chromium: a plain page on another site embeds the chat widget; the
visitor asks, the bot answers with its source, the visitor asks for a person, an agent replies
from the inbox, and the reply appears in the widget live (server-sent events).

The host page is served from 127.0.0.1 by a tiny HTTP server while helpmesh runs on
localhost: the widget calls the visitor API across origins, as on a customer's site.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import Role, Team
from helpmesh.chat import pubsub
from helpmesh.chat.models import ChatSession
from helpmesh.conversations import hooks
from helpmesh.conversations.models import Ticket
from helpmesh.routing import services as routing
from helpmesh.routing import snapshots, yaml_io
from helpmesh.search import services as search
from helpmesh.search.documents import Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme shop</title></head>
<body><h1>Acme shop</h1><p>Spring sale on garden chairs.</p>
<script src="{base}/widget.js" data-title="Ask Acme" data-color="#0b6e4f" async></script>
</body></html>
"""


@pytest.fixture
def host_page(live_server, tmp_path: Path) -> Iterator[str]:
    """A plain page on another origin (127.0.0.1, not localhost) that embeds the widget."""
    (tmp_path / "index.html").write_text(PAGE.format(base=live_server.url))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


@pytest.fixture
def chat_desk(settings):
    settings.HELPMESH_SEARCH_SEMANTIC = "off"
    settings.HELPMESH_CHAT_STREAM_SECONDS = 5  # streams end and reconnect with Last-Event-ID
    snapshots.forget_model()
    hooks._steps.cache_clear()
    pubsub.reset()
    search.index_documents(
        [
            Document(
                "article",
                21,
                "Change your delivery address",
                "To change your delivery address, open Orders, pick the order and press Edit "
                "address. You can change it until the parcel ships.",
                "/help/articles/21-change-your-delivery-address",
            )
        ]
    )
    accounts.create_team("general")
    yaml_io.apply_document(yaml_io.load(MODEL))
    gus = accounts.create_user("gus@example.com", "pw", name="Gus", role=Role.AGENT)
    accounts.add_to_team(gus, Team.objects.get(slug="general"))
    routing.set_presence(gus, "online")
    yield gus
    pubsub.reset()


def test_a_visitor_chats_with_the_bot_then_a_person(
    live_server, host_page, chat_desk, browser, sign_in, shots
) -> None:
    base = live_server.url
    shop = browser.new_context(viewport={"width": 1280, "height": 860})
    page = shop.new_page()
    page.goto(host_page)
    page.click(".hm-chat-launcher:has-text('Ask Acme')")
    page.fill(".hm-chat-prechat input[name=name]", "Ada")
    page.fill(".hm-chat-prechat input[name=email]", "ada@example.com")
    page.click(".hm-chat-prechat button:has-text('Start chat')")
    page.fill(".hm-chat-input", "How do I change my delivery address?")
    page.click(".hm-chat-composer button:has-text('Send')")

    answer = page.locator(".hm-chat-bot").first
    answer.wait_for()
    assert "To change your delivery address, open Orders" in answer.inner_text()
    source = answer.locator("a.hm-chat-source")
    assert source.inner_text() == "Change your delivery address"
    assert source.get_attribute("href") == f"{base}/help/articles/21-change-your-delivery-address"

    page.click(".hm-chat-person")
    page.wait_for_selector(".hm-chat-notice >> text=A person from our team will join")
    ticket = Ticket.objects.get()
    assert ticket.channel == "chat" and ticket.assignee == chat_desk
    page.screenshot(path=str(shots / "helpmesh-chat-widget.png"))

    desk = browser.new_context(viewport={"width": 1440, "height": 900})
    gus = desk.new_page()
    sign_in(gus, base, "gus@example.com")
    gus.wait_for_url(f"{base}/inbox/")
    gus.goto(f"{base}/inbox/tickets/{ticket.pk}/")
    assert "How do I change my delivery address?" in gus.content()  # nothing to repeat
    gus.fill("textarea[name=body]", "Hi Ada, Gus here: I changed the address on your order.")
    gus.click("button:has-text('Send')")

    reply = page.locator(".hm-chat-agent")
    reply.wait_for(timeout=15_000)
    assert "I changed the address on your order" in reply.inner_text()
    assert "Gus" in reply.inner_text()
    # The widget styles itself from its own stylesheet: nothing inline on the host page.
    # (Chromium itself leaves empty style="" on inputs it considered for autofill.)
    styled = "[...document.querySelectorAll('[style]')].filter(e => e.getAttribute('style'))"
    assert page.evaluate(f"{styled}.length + document.querySelectorAll('style').length") == 0
    assert page.evaluate(
        "[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)"
    ) == [f"{base}/static/chat/widget.css"]
    page.screenshot(path=str(shots / "helpmesh-chat-reply.png"))
    shop.close()
    desk.close()
    _streams_ended(ChatSession.objects.get().pk)


def _streams_ended(session_id: int) -> None:
    """Wait for the visitor's stream to notice the visitor left (its lifetime is 5 s), so no
    server thread touches the database after the test."""
    deadline = time.monotonic() + 10
    while pubsub.hub().listening(f"session:{session_id}") and time.monotonic() < deadline:
        time.sleep(0.1)
