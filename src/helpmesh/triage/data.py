"""Labelled text in and predictions out: the CSV side of triage."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Tried in order when the asked-for label column is missing (Banking77 says "category").
LABEL_FALLBACKS = ("label", "category", "intent", "team", "class")


class DataError(ValueError):
    """The input file cannot be read as labelled text (a user mistake, not a fault)."""


@dataclass
class Examples:
    """Texts and, when known, their labels (same length)."""

    texts: list[str]
    labels: list[str]


def _open_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def pick_label_column(header: Sequence[str], wanted: str, text_column: str) -> str | None:
    """``wanted`` if present, else a common label column name, else the only other column."""
    if wanted in header:
        return wanted
    for name in LABEL_FALLBACKS:
        if name in header:
            return name
    others = [name for name in header if name != text_column]
    return others[0] if len(others) == 1 else None


def read_examples(
    path: str | Path, *, text_column: str = "text", label_column: str = "label", labelled: bool
) -> Examples:
    """Read ``path``; with ``labelled`` every row must have a non-empty label."""
    header, rows = _open_rows(Path(path))
    if text_column not in header and "text" in header:
        text_column = "text"  # a model trained on another column still reads plain files
    if text_column not in header:
        raise DataError(f"{path}: no {text_column!r} column (columns: {', '.join(header)})")
    column = pick_label_column(header, label_column, text_column)
    if labelled and column is None:
        raise DataError(f"{path}: no {label_column!r} column (columns: {', '.join(header)})")
    texts = [(row.get(text_column) or "").strip() for row in rows]
    labels = [(row.get(column) or "").strip() for row in rows] if column else []
    if labelled and any(not label for label in labels):
        raise DataError(f"{path}: some rows have an empty {column!r}")
    return Examples(texts, labels)


def write_predictions(
    path: str | Path, texts: Sequence[str], labels: Sequence[str], confidences: Sequence[float]
) -> None:
    """Write ``text,label,confidence`` rows (confidence rounded to 4 places)."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", "confidence"])
        for text, label, confidence in zip(texts, labels, confidences, strict=True):
            writer.writerow([text, label, f"{confidence:.4f}"])
