"""Under the CSP, in headless Chromium: every kind of page loads without a single violation,
and what runs script (htmx, the admin, Swagger UI) still works.

Chromium and sign-in come from tests/browser/conftest.py.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watched_page(browser, violations: list[str]):
    page = browser.new_context().new_page()
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page


def test_portal_help_center_and_inbox_work_without_violations(
    live_server, personas, browser, sign_in
):
    base, violations = live_server.url, []
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a, subject="Fan noise")
    alice = watched_page(browser, violations)
    sign_in(alice, base, "alice@example.com")
    alice.goto(f"{base}/portal/requests/new/")
    assert alice.evaluate("typeof window.htmx") == "object"  # its script loaded under the CSP
    alice.goto(f"{base}/help/")
    alice.goto(f"{base}/help/search/?q=printer")

    anna = watched_page(browser, violations)
    sign_in(anna, base, "anna@example.com")
    anna.goto(f"{base}/inbox/tickets/{ticket.pk}/")
    anna.fill("textarea[name=body]", "Dusting it off fixes it.")
    anna.click("button:has-text('Send')")
    anna.wait_for_selector(".msg-agent >> text=Dusting it off fixes it.")  # an htmx swap
    assert violations == []


def test_the_admin_and_swagger_ui_render_without_violations(
    live_server, personas, browser, settings, sign_in
):
    settings.HELPMESH_2FA_REQUIRED_ROLES = []  # the admin signs in with a password here
    base, violations = live_server.url, []
    root = watched_page(browser, violations)
    sign_in(root, base, "root@example.com")
    root.goto(f"{base}/admin/accounts/user/")
    root.wait_for_selector("#result_list")
    root.check("#action-toggle")  # the admin's own script selects every row
    assert root.locator("input.action-select:checked").count() >= 1

    root.goto(f"{base}/api/v1/docs")
    # Swagger UI is a script-built page: its panel only exists when its scripts ran.
    root.wait_for_selector("#swagger-ui .swagger-ui .information-container, #swagger-ui .errors")
    assert violations == []
