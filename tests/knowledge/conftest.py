"""A small knowledge base: one article of each visibility, published, plus a draft."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from helpmesh.knowledge import services
from helpmesh.knowledge.models import Article, Category


@dataclass
class KB:
    billing: Category
    public: Article
    customers: Article
    agents: Article
    draft: Article


@pytest.fixture
def kb(personas) -> KB:
    billing = services.create_category("Account & billing", description="Plans and invoices")
    place = services.Placement(billing)

    def article(title: str, visibility: str, status: str = "published") -> Article:
        return services.create_article(
            title=title,
            body=f"How to deal with **{title.lower()}**.\n\nStep one: breathe.",
            author=personas.anna,
            visibility=visibility,
            status=status,
            placement=place,
        )

    return KB(
        billing,
        article("Refund a duplicate charge", "public"),
        article("Download your invoices", "customers"),
        article("Refund approval runbook", "agents"),
        article("Switching to annual billing", "public", status="draft"),
    )
