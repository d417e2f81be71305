"""The MiniLM sentence encoder for search: the one triage ships, exported once per home.

The ONNX export (~10 s, needs the ``ml`` extra) is kept in ``HOME/search-encoder`` so later
processes only load it (~0.3 s). Without the extra, or with ``HELPMESH_SEARCH_SEMANTIC=off``,
``encoder()`` is None and search is lexical only.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np
from django.conf import settings

from helpmesh.triage import encoder as triage_encoder

log = logging.getLogger(__name__)
DIMENSIONS = 384
_lock = threading.Lock()
_loaded: dict[str, triage_encoder.Encoder | None] = {}


def folder() -> Path:
    configured = getattr(settings, "HELPMESH_SEARCH_ENCODER_DIR", "")
    return Path(configured) if configured else Path(settings.HOME) / "search-encoder"


def enabled() -> bool:
    return getattr(settings, "HELPMESH_SEARCH_SEMANTIC", "auto") != "off"


def encoder() -> triage_encoder.Encoder | None:
    """The encoder, exported on first use when it can be; None when search is lexical only."""
    if not enabled():
        return None
    path = folder()
    key = str(path)
    if key in _loaded:
        return _loaded[key]
    with _lock:
        if key not in _loaded:
            _loaded[key] = _load_or_build(path)
    return _loaded[key]


def _load_or_build(path: Path) -> triage_encoder.Encoder | None:
    if (path / triage_encoder.ONNX_FILE).exists() and triage_encoder.available():
        return triage_encoder.Encoder.load(path, threads=1)
    if not triage_encoder.can_build():
        log.info("search is lexical only: the ml extra is not installed")
        return None
    built = triage_encoder.Encoder.build("float")
    path.mkdir(parents=True, exist_ok=True)
    built.save(path)
    return triage_encoder.Encoder.load(path, threads=1)


def embed_documents(titles: list[str], bodies: list[str]) -> np.ndarray | None:
    """(n, 2, 384): each document's title vector and title + body vector."""
    model = encoder()
    if model is None or not titles:
        return None
    title_vectors = model.embed(titles)
    full_vectors = model.embed([f"{t}\n{b}" for t, b in zip(titles, bodies, strict=True)])
    return np.stack([title_vectors, full_vectors], axis=1)


def embed_query(text: str) -> np.ndarray | None:
    model = encoder()
    return None if model is None else model.embed([text])[0]


def to_bytes(vectors: np.ndarray) -> bytes:
    return np.ascontiguousarray(vectors, dtype=np.float32).tobytes()


def from_bytes(blob: bytes | memoryview) -> np.ndarray | None:
    if not blob:
        return None
    return np.frombuffer(bytes(blob), dtype=np.float32).reshape(2, DIMENSIONS)
