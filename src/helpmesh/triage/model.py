"""The triage model: features -> one linear classifier -> label and confidence.

Backends (chosen at training time, stored with the model):

- ``lexical``: TF-IDF word and character n-grams (base install, needs only scikit-learn);
- ``hybrid``: the same TF-IDF columns beside all-MiniLM-L6-v2 sentence embeddings (``ml`` extra),
  the encoder saved in the model folder as an ONNX graph (``encoder.py``); the classifier's
  probabilities are mixed with a vote of the most similar training examples (``neighbours.py``).

A model saved as ``hybrid`` needs onnxruntime to load; ``auto`` picks ``hybrid`` when it can.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from scipy.special import softmax
from sklearn.linear_model import LogisticRegression

from helpmesh.triage import features
from helpmesh.triage.encoder import DEFAULT_ENCODER, ENCODERS, Encoder, available
from helpmesh.triage.neighbours import Neighbours

# 2: hybrid folders hold the encoder (encoder.onnx, tokenizer.json) instead of loading torch.
FORMAT = 2
BACKENDS = ("auto", "lexical", "hybrid")
Progress = Callable[[str], None]


class ModelError(RuntimeError):
    """A model folder is missing, unreadable, or needs something not installed."""


@dataclass
class Prediction:
    label: str
    confidence: float


@dataclass
class Meta:
    """What a model folder says about itself (``meta.json``, human-readable)."""

    backend: str
    labels: list[str]
    text_column: str = "text"
    label_column: str = "label"
    out_of_scope_label: str | None = None
    threshold: float = 0.0
    c: float = 10.0
    embed_weight: float = 1.0
    encoder: str = DEFAULT_ENCODER  # hybrid only: "float" or "int8" MiniLM
    # hybrid only: share of the similar examples' vote in the probabilities (0: no vote, as in
    # folders written before it existed), how many examples vote, how sharply closeness counts,
    # among the examples of how many of the classifier's likeliest labels, and how many of the
    # newest training examples are kept to vote.
    neighbours_weight: float = 0.0
    neighbours_k: int = 10
    neighbours_temperature: float = 40.0
    neighbours_candidates: int = 10
    neighbours_limit: int = 20_000
    trained_examples: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    format: int = FORMAT


def resolve_backend(backend: str) -> str:
    """``auto`` -> ``hybrid`` when the ``ml`` extra is installed, else ``lexical``."""
    if backend not in BACKENDS:
        raise ModelError(f"unknown backend {backend!r} (one of {', '.join(BACKENDS)})")
    if backend == "auto":
        return "hybrid" if features.embeddings_available() else "lexical"
    if backend == "hybrid" and not features.embeddings_available():
        raise ModelError("the hybrid backend needs the ml extra: pip install 'helpmesh[ml]'")
    return backend


class TriageModel:
    """A fitted vectorizer and classifier plus the out-of-scope rule (and, hybrid, the encoder)."""

    def __init__(
        self,
        meta: Meta,
        vectorizer: Any,
        classifier: LogisticRegression,
        encoder: Encoder | None = None,
        neighbours: Neighbours | None = None,
    ) -> None:
        if meta.backend == "hybrid" and encoder is None:
            raise ModelError("a hybrid model needs its encoder")
        self.meta = meta
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.encoder = encoder
        self.neighbours = neighbours

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        meta: Meta,
        *,
        encoder: Encoder | None = None,
        embeddings: np.ndarray | None = None,
    ) -> TriageModel:
        """Fit on ``texts``; hybrid needs the ``encoder``, and its ``embeddings`` of ``texts``
        may be passed in when already computed."""
        vectorizer = features.lexical_vectorizer()
        lexical = vectorizer.fit_transform(texts)
        dense = None
        if meta.backend == "hybrid":
            if encoder is None:
                raise ModelError("a hybrid model needs its encoder")
            dense = encoder.embed(texts) if embeddings is None else embeddings
        design = features.combine(lexical, dense, meta.embed_weight)
        classifier = LogisticRegression(C=meta.c, max_iter=3000)
        classifier.fit(design, list(labels))
        meta.labels = [str(label) for label in classifier.classes_]
        meta.trained_examples = len(texts)
        neighbours = None
        if dense is not None and meta.neighbours_weight > 0:
            neighbours = Neighbours.fit(
                dense,
                [str(label) for label in labels],
                meta.labels,
                k=meta.neighbours_k,
                temperature=meta.neighbours_temperature,
                candidates=meta.neighbours_candidates,
                limit=meta.neighbours_limit,
            )
        return cls(meta, vectorizer, classifier, encoder, neighbours)

    def design(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> Any:
        """The feature matrix for ``texts`` (embeddings computed unless given)."""
        dense = embeddings
        if self.encoder is not None and dense is None:
            dense = self.encoder.embed(texts)
        return features.combine(self.vectorizer.transform(texts), dense, self.meta.embed_weight)

    def probabilities(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> Any:
        """Class probabilities, columns in ``meta.labels`` order: the classifier's, mixed with
        the similar examples' vote when the model has one."""
        linear, vote = self.components(texts, embeddings)
        return mix(linear, vote, self.meta.neighbours_weight)

    def components(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> tuple[Any, np.ndarray | None]:
        """The classifier's probabilities and the similar examples' vote (None without one)."""
        dense = embeddings
        if self.encoder is not None and dense is None:
            dense = self.encoder.embed(texts)
        linear = self._linear(texts, dense)
        if self.neighbours is None or dense is None:
            return linear, None
        return linear, self.neighbours.vote(dense, linear)

    def _linear(self, texts: Sequence[str], dense: np.ndarray | None) -> Any:
        """The logistic regression's probabilities."""
        if len(self.meta.labels) <= 2:
            return self.classifier.predict_proba(self.design(texts, dense))
        # What predict_proba computes for a multinomial model, less its per-call input checks
        # (about a millisecond per ticket); the TF-IDF and embedding columns are scored apart,
        # which saves stacking them into one matrix (another half millisecond).
        lexical = self.vectorizer.transform(texts)
        coef, width = self.classifier.coef_, lexical.shape[1]
        scores = np.asarray(lexical @ coef[:, :width].T) + self.classifier.intercept_
        if dense is not None:
            scores += (dense * self.meta.embed_weight) @ coef[:, width:].T
        return softmax(scores, axis=1)

    def predict(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> list[Prediction]:
        """Best label and its probability; below the threshold, the out-of-scope label."""
        if not texts:
            return []
        return self.decide(self.probabilities(texts, embeddings))

    def decide(self, probabilities: np.ndarray) -> list[Prediction]:
        """Apply the out-of-scope rule to rows of class probabilities."""
        best = probabilities.argmax(axis=1)
        out: list[Prediction] = []
        for row, index in enumerate(best):
            label, confidence = self.meta.labels[index], float(probabilities[row, index])
            if self.meta.out_of_scope_label and confidence < self.meta.threshold:
                label = self.meta.out_of_scope_label
            out.append(Prediction(label, confidence))
        return out

    def save(self, folder: str | Path) -> Path:
        """Write ``meta.json``, ``model.joblib`` and (hybrid) the encoder into ``folder``."""
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        if self.encoder is not None:
            self.encoder.save(path)
        parts = {
            "vectorizer": self.vectorizer,
            "classifier": self.classifier,
            "neighbours": self.neighbours,
        }
        joblib.dump(parts, path / "tmp")
        (path / "tmp").replace(path / "model.joblib")
        (path / "meta.json").write_text(json.dumps(asdict(self.meta), indent=2), encoding="utf-8")
        return path

    @classmethod
    def load(cls, folder: str | Path, *, threads: int | None = None) -> TriageModel:
        """Read a folder written by ``save``. Model folders are trusted (joblib is pickle).

        ``threads``: cores the encoder may use per call (default: all this process may use).
        """
        path = Path(folder)
        try:
            meta = Meta(**json.loads((path / "meta.json").read_text(encoding="utf-8")))
            parts = joblib.load(path / "model.joblib")
        except (OSError, ValueError, TypeError) as exc:
            raise ModelError(f"cannot read a triage model in {path}: {exc}") from exc
        if meta.format != FORMAT:
            raise ModelError(
                f"{path}: model format {meta.format}, this version reads {FORMAT}: train it again"
            )
        if meta.encoder not in ENCODERS:
            raise ModelError(f"{path}: unknown encoder {meta.encoder!r}: train it again")
        encoder = _encoder(path, meta, threads)
        neighbours = parts.get("neighbours")  # folders written before the vote have none
        return cls(meta, parts["vectorizer"], parts["classifier"], encoder, neighbours)


def mix(linear: Any, vote: np.ndarray | None, weight: float) -> Any:
    """``(1 - weight) * linear + weight * vote``; rows without a vote keep ``linear``."""
    if vote is None or weight == 0:
        return linear
    weights = np.where(vote.any(axis=1, keepdims=True), weight, 0.0)
    return (1 - weights) * linear + weights * vote


def _encoder(path: Path, meta: Meta, threads: int | None) -> Encoder | None:
    if meta.backend != "hybrid":
        return None
    if not available():
        raise ModelError(f"{path} is a hybrid model: it needs the ml extra to load")
    try:
        return Encoder.load(path, threads=threads)
    except OSError as exc:
        raise ModelError(f"cannot read the encoder of the hybrid model in {path}: {exc}") from exc
