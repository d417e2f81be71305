"""The community in Chromium, as issue 11 tells it: a member asks and sees similar questions as
they type, another member answers, the asker accepts, and the answerer's points and badge show
on their profile."""

from __future__ import annotations

import pytest

from helpmesh.community import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def forum(settings, personas):
    settings.HELPMESH_SEARCH_SEMANTIC = "off"  # lexical similar questions; no encoder export
    settings.HELPMESH_COMMUNITY_APPROVE_FIRST = 0  # alice and bob are regulars here
    services.create_category("Questions", is_default=True)
    earlier = services.ask(
        personas.bob_user,
        title="How do I export invoices to CSV?",
        body="I need my invoices in a spreadsheet.",
        tags=["billing"],
    )
    return earlier


def test_ask_see_similar_answer_accept_then_points_and_badge(
    live_server, browser, forum, personas, sign_in, shots
):
    base = live_server.url
    alice = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(alice, base, "alice@example.com")
    alice.wait_for_url(f"{base}/portal/")
    alice.goto(f"{base}/community/ask/")
    alice.type("#title", "Export my invoices as CSV", delay=25)
    alice.locator("#similar >> text=How do I export invoices to CSV?").wait_for()
    alice.screenshot(path=str(shots / "helpmesh-community-similar.png"), full_page=True)
    alice.fill("#body", "The export button only offers PDF. Is CSV possible?")
    alice.click("button:has-text('Post your question')")
    alice.wait_for_url(f"{base}/community/t/**")
    topic_url = alice.url

    bob = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(bob, base, "bob@example.com")
    bob.wait_for_url(f"{base}/portal/")
    bob.goto(topic_url)
    bob.fill("#reply-body", "Yes: Billing, then Invoices, then **Export as CSV** at the bottom.")
    bob.click("button:has-text('Post your answer')")
    bob.locator("text=Export as CSV").first.wait_for()

    alice.goto(topic_url)
    alice.click("button:has-text('Accept this answer')")
    alice.locator("text=Accepted answer").first.wait_for()
    alice.screenshot(path=str(shots / "helpmesh-community-accepted.png"), full_page=True)

    bob.goto(f"{base}/community/u/{personas.bob_user.pk}/")
    reputation = int(bob.locator("[data-testid=reputation]").inner_text())
    assert reputation >= 15  # an accepted answer
    assert bob.locator("text=Solver").count() >= 1  # the first-accepted-answer badge
    bob.screenshot(path=str(shots / "helpmesh-community-profile.png"), full_page=True)
