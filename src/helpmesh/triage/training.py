"""Training a triage model from labelled examples (CSV or resolved tickets)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from helpmesh.triage import outofscope
from helpmesh.triage.data import Examples
from helpmesh.triage.encoder import DEFAULT_ENCODER, Encoder
from helpmesh.triage.model import Meta, ModelError, TriageModel, resolve_backend

# Picked on Banking77 dev (train_minus_dev -> dev); see docs/triage.md and bench/triage.py.
DEFAULT_C = {"lexical": 20.0, "hybrid": 20.0}
EMBED_WEIGHT = 3.0  # embedding columns vs TF-IDF; 1, 2, 3, 4, 5, 6 tried on dev

Say = Callable[[str], None]


@dataclass
class TrainOptions:
    backend: str = "auto"
    out_of_scope_label: str | None = None
    text_column: str = "text"
    label_column: str = "label"
    c: float | None = None
    encoder: str = DEFAULT_ENCODER


def _quiet(message: str) -> None:
    return None


def train(examples: Examples, options: TrainOptions, *, say: Say = _quiet) -> TriageModel:
    """Fit a model on every example; with an out-of-scope label, pick its threshold first."""
    if len(set(examples.labels)) < 2:
        raise ModelError("training needs at least two different labels")
    backend = resolve_backend(options.backend)
    meta = Meta(
        backend=backend,
        labels=[],
        text_column=options.text_column,
        label_column=options.label_column,
        out_of_scope_label=options.out_of_scope_label,
        c=options.c or DEFAULT_C[backend],
        embed_weight=EMBED_WEIGHT,
        encoder=options.encoder,
    )
    encoder, embeddings = None, None
    if backend == "hybrid":
        say(f"exporting the {options.encoder} all-MiniLM-L6-v2 encoder")
        encoder = Encoder.build(options.encoder)
        say(f"embedding {len(examples.texts)} texts")
        embeddings = encoder.embed(examples.texts)
    if options.out_of_scope_label:
        meta.threshold = _pick_threshold(examples, meta, encoder, embeddings, say)
    say(f"fitting the {backend} model on {len(examples.texts)} examples")
    return TriageModel.fit(
        examples.texts, examples.labels, meta, encoder=encoder, embeddings=embeddings
    )


def _pick_threshold(
    examples: Examples,
    meta: Meta,
    encoder: Encoder | None,
    embeddings: np.ndarray | None,
    say: Say,
) -> float:
    """Fit on most of the data, choose the out-of-scope threshold on the held-out rest."""
    fit_rows, held_rows = outofscope.holdout_split(examples.labels)
    if not held_rows:
        say("too few examples to hold any out: no out-of-scope threshold")
        return 0.0
    say(f"choosing the out-of-scope threshold on {len(held_rows)} held-out examples")
    texts, labels = examples.texts, examples.labels
    part = TriageModel.fit(
        [texts[i] for i in fit_rows],
        [labels[i] for i in fit_rows],
        replace(meta, labels=[], threshold=0.0),
        encoder=encoder,
        embeddings=embeddings[fit_rows] if embeddings is not None else None,
    )
    held_texts = [texts[i] for i in held_rows]
    held_embeddings = embeddings[held_rows] if embeddings is not None else None
    probabilities = part.probabilities(held_texts, held_embeddings)
    predicted = [part.meta.labels[i] for i in probabilities.argmax(axis=1)]
    truth = [labels[i] for i in held_rows]
    assert meta.out_of_scope_label is not None
    threshold = outofscope.choose_threshold(
        probabilities.max(axis=1), predicted, truth, meta.out_of_scope_label
    )
    say(f"out-of-scope threshold {threshold:.3f}")
    return threshold
