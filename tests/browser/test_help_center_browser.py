"""Self-service in Chromium: the help center's suggestions as you type, an article and its
"was this helpful?", and the portal's request form suggesting an article that answers the
question before a ticket is opened (and counting the deflection)."""

from __future__ import annotations

import pytest

from helpmesh.conversations.models import Ticket
from helpmesh.knowledge import services as kb
from helpmesh.search.models import SearchQuery

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def help_center(settings, personas):
    settings.HELPMESH_SEARCH_SEMANTIC = "off"  # lexical suggestions; no encoder export here
    billing = kb.create_category("Account & billing", description="Plans and invoices")
    article = kb.create_article(
        title="Refund a duplicate charge",
        body="If you were **charged twice**, open Billing, choose the charge and press Refund.",
        author=personas.anna,
        visibility="public",
        status="published",
        placement=kb.Placement(billing),
    )
    return article


def test_suggestions_as_you_type_lead_to_the_article(live_server, browser, help_center, shots):
    page = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    page.goto(f"{live_server.url}/help/")
    page.type("#help-q", "refund duplicate", delay=30)
    suggestion = page.locator("#help-suggestions >> text=Refund a duplicate charge")
    suggestion.wait_for()
    page.screenshot(path=str(shots / "helpmesh-help-suggestions.png"))
    suggestion.click()

    page.wait_for_url(f"{live_server.url}{help_center.path}")
    assert "charged twice" in page.locator("article, main").first.inner_text()
    page.check("input[name=helpful][value=yes]")
    page.click("button:has-text('Send feedback')")
    page.wait_for_load_state()
    help_center.refresh_from_db()
    assert help_center.helpful_yes == 1


def test_the_request_form_suggests_an_answer_and_counts_the_deflection(
    live_server, browser, help_center, sign_in, shots
):
    page = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    sign_in(page, live_server.url, "alice@example.com")
    page.wait_for_url(f"{live_server.url}/portal/")
    page.click("text=Submit a request")
    page.type("#id_subject", "I was charged twice, need a refund", delay=20)
    page.locator("#suggestions >> text=Refund a duplicate charge").wait_for()
    page.screenshot(path=str(shots / "helpmesh-portal-deflection.png"))

    page.click("button:has-text('This answered my question')")

    page.wait_for_selector("text=Glad that helped")
    assert not Ticket.objects.exists()
    assert SearchQuery.objects.filter(outcome="deflected").count() == 1
