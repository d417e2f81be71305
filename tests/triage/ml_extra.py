"""The ``ml`` extra: tests that need it skip without it, and fail if HELPMESH_REQUIRE_ML=1.

scripts/test.sh installs the extra and sets the variable, so an install that lost the extra fails
the run instead of quietly skipping the tests meant to cover it (as HELPMESH_REQUIRE_BROWSER does
for Chromium).
"""

from __future__ import annotations

import os

import pytest

from helpmesh.triage import features


def require_ml() -> None:
    """Return when MiniLM can run; otherwise skip the test, or fail it when the run requires ML."""
    if features.embeddings_available():
        return
    why = "needs the ml extra (torch, onnx, onnxruntime)"
    if os.environ.get("HELPMESH_REQUIRE_ML") == "1":
        pytest.fail(f"{why}, and HELPMESH_REQUIRE_ML=1")
    pytest.skip(why)
