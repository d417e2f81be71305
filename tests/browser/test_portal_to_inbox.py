"""End to end in headless Chromium: a customer asks in the portal, an agent answers from the inbox.

Chromium and sign-in come from conftest.py; screenshots land in $HELPMESH_SCREENSHOTS.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_portal_request_answered_from_the_inbox(
    live_server, personas, browser, sign_in, shots
) -> None:
    base = live_server.url
    customer = browser.new_context(viewport={"width": 1280, "height": 860})
    alice = customer.new_page()
    sign_in(alice, base, "alice@example.com")
    alice.wait_for_url(f"{base}/portal/")
    alice.click("text=Submit a request")
    alice.fill("input[name=subject]", "Invoice shows the wrong amount")
    alice.fill("textarea[name=description]", "My March invoice charges me twice for one seat.")
    alice.click("button:has-text('Submit')")
    alice.wait_for_selector("text=We received your request")
    request_url = alice.url

    agent = browser.new_context(viewport={"width": 1440, "height": 900})
    anna = agent.new_page()
    sign_in(anna, base, "anna@example.com")
    anna.wait_for_url(f"{base}/inbox/")
    anna.screenshot(path=str(shots / "helpmesh-inbox.png"), full_page=True)
    anna.click("text=Invoice shows the wrong amount")
    anna.fill("textarea[name=body]", "Sorry about that! I refunded the duplicate charge.")
    anna.click("button:has-text('Send')")
    # htmx swaps the conversation in place; the reply shows up without a page load.
    anna.wait_for_selector(".msg-agent >> text=I refunded the duplicate charge")
    anna.screenshot(path=str(shots / "helpmesh-ticket.png"), full_page=True)

    alice.goto(request_url)
    reply = alice.locator(".msg-agent")
    assert "I refunded the duplicate charge" in reply.inner_text()
    assert "Support team" in reply.inner_text()
    alice.screenshot(path=str(shots / "helpmesh-portal-request.png"), full_page=True)


@pytest.mark.parametrize(
    ("email", "path"), [("anna@example.com", "/inbox/"), ("alice@example.com", "/portal/")]
)
def test_the_header_fits_a_390_px_phone(
    live_server, personas, browser, sign_in, shots, email, path
) -> None:
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    sign_in(page, live_server.url, email)
    page.wait_for_url(f"{live_server.url}{path}")
    page.screenshot(path=str(shots / f"helpmesh-390-{path.strip('/')}.png"))
    sign_out = page.locator("button:has-text('Sign out')").bounding_box()
    assert sign_out is not None and sign_out["x"] >= 0 and sign_out["x"] + sign_out["width"] <= 390
    header_width = page.evaluate("document.querySelector('.topbar').scrollWidth")
    assert header_width <= 390
