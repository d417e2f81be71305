"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium, never downloaded.

Skipped without it unless HELPMESH_REQUIRE_BROWSER=1 (the test command sets it: then missing
Chromium fails). Screenshots land in $HELPMESH_SCREENSHOTS (default /tmp).
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


@pytest.fixture
def shots() -> Path:
    return Path(os.environ.get("HELPMESH_SCREENSHOTS", "/tmp"))


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


@pytest.fixture
def sign_in():
    """``sign_in(page, base_url, email)``: the login form, password "pw" (the personas')."""

    def go(page, base: str, email: str) -> None:
        page.goto(f"{base}/login/")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", "pw")
        page.click("button:has-text('Sign in')")

    return go
