"""A run that requires the ml extra fails without it; any other run skips."""

import pytest
from ml_extra import require_ml

from helpmesh.triage import features


def test_without_the_extra_a_required_run_fails(monkeypatch):
    monkeypatch.setattr(features, "embeddings_available", lambda: False)
    monkeypatch.setenv("HELPMESH_REQUIRE_ML", "1")
    with pytest.raises(pytest.fail.Exception, match="HELPMESH_REQUIRE_ML=1"):
        require_ml()


def test_without_the_extra_an_ordinary_run_skips(monkeypatch):
    monkeypatch.setattr(features, "embeddings_available", lambda: False)
    monkeypatch.delenv("HELPMESH_REQUIRE_ML", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_ml()


def test_with_the_extra_nothing_happens(monkeypatch):
    monkeypatch.setattr(features, "embeddings_available", lambda: True)
    monkeypatch.setenv("HELPMESH_REQUIRE_ML", "1")
    require_ml()
