"""Documents shared by the search tests, and a stand-in group membership function."""

from __future__ import annotations

from helpmesh.search.documents import Audience, Document

ARTICLES = [
    Document(
        "article",
        1,
        "Request a refund for an order",
        "Refunds are issued to the original payment method within five business days.",
        "/help/articles/1-refund/",
        Audience.PUBLIC,
    ),
    Document(
        "article",
        2,
        "Download your invoices",
        "Signed-in customers can download every invoice as a PDF from the billing page.",
        "/help/articles/2-invoices/",
        Audience.CUSTOMERS,
    ),
    Document(
        "article",
        3,
        "Runbook: refund override for agents",
        "Agents may override the refund limit after a supervisor approves it.",
        "/help/articles/3-runbook/",
        Audience.AGENTS,
    ),
    Document(
        "topic",
        4,
        "Beta group: refund questions about the new plan",
        "Members of the beta programme discuss refund rules of the new plan.",
        "/community/topics/4/",
        Audience.CUSTOMERS,
        group="beta",
    ),
]


def alice_in_beta(user) -> list[str]:
    """For ``HELPMESH_SEARCH_GROUPS``: alice is in the private group "beta" (the community
    provides the real membership function)."""
    return ["beta"] if user.email == "alice@example.com" else []
