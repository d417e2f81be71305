"""End to end in headless Chromium: a customer asks in the portal, an agent answers from the inbox.

Needs /usr/bin/chromium (never downloaded); skipped without it unless HELPMESH_REQUIRE_BROWSER=1.
Screenshots of the inbox and the ticket page land in $HELPMESH_SCREENSHOTS (default /tmp).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the live
# server's test setup would otherwise be refused as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(os.environ.get("HELPMESH_SCREENSHOTS", "/tmp"))

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("HELPMESH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and HELPMESH_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "pw")
    page.click("button:has-text('Sign in')")


def test_a_portal_request_answered_from_the_inbox(live_server, personas, browser) -> None:
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
    anna.screenshot(path=str(SHOTS / "helpmesh-inbox.png"), full_page=True)
    anna.click("text=Invoice shows the wrong amount")
    anna.fill("textarea[name=body]", "Sorry about that! I refunded the duplicate charge.")
    anna.click("button:has-text('Send')")
    # htmx swaps the conversation in place; the reply shows up without a page load.
    anna.wait_for_selector(".msg-agent >> text=I refunded the duplicate charge")
    anna.screenshot(path=str(SHOTS / "helpmesh-ticket.png"), full_page=True)

    alice.goto(request_url)
    reply = alice.locator(".msg-agent")
    assert "I refunded the duplicate charge" in reply.inner_text()
    assert "Support team" in reply.inner_text()
    alice.screenshot(path=str(SHOTS / "helpmesh-portal-request.png"), full_page=True)


@pytest.mark.parametrize(
    ("email", "path"), [("anna@example.com", "/inbox/"), ("alice@example.com", "/portal/")]
)
def test_the_header_fits_a_390_px_phone(live_server, personas, browser, email, path) -> None:
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    sign_in(page, live_server.url, email)
    page.wait_for_url(f"{live_server.url}{path}")
    page.screenshot(path=str(SHOTS / f"helpmesh-390-{path.strip('/')}.png"))
    sign_out = page.locator("button:has-text('Sign out')").bounding_box()
    assert sign_out is not None and sign_out["x"] >= 0 and sign_out["x"] + sign_out["width"] <= 390
    header_width = page.evaluate("document.querySelector('.topbar').scrollWidth")
    assert header_width <= 390
