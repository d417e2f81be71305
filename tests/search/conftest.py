"""Search fixtures: a help center of four articles, one per audience and one in a group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from search_docs import ARTICLES

from helpmesh.search import services
from helpmesh.search.documents import Document

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def help_center(db) -> list[Document]:
    services.index_documents(ARTICLES)
    return ARTICLES


@pytest.fixture(scope="session")
def clinc_sample() -> dict:
    return json.loads((FIXTURES / "clinc_sample.json").read_text())
