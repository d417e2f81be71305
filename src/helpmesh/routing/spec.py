"""The validated, immutable form of a support model that policies read (no ORM rows)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RuleSpec:
    name: str
    when: Mapping[str, Any] = field(default_factory=dict)
    then: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LayerSpec:
    """One layer; ``when`` (conditions, all must hold) limits the tickets it applies to."""

    kind: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    rules: tuple[RuleSpec, ...] = ()
    when: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelSpec:
    name: str
    layers: tuple[LayerSpec, ...] = ()

    def layer(self, kind: str) -> LayerSpec | None:
        return next((layer for layer in self.layers if layer.kind == kind), None)


@dataclass(frozen=True)
class SlaSpec:
    """Targets in business minutes (None: no target for that metric)."""

    name: str
    when: Mapping[str, Any] = field(default_factory=dict)
    first_response: int | None = None
    next_response: int | None = None
    resolution: int | None = None
    warn_before: int = 15
    calendar: str | None = None
    on_breach: tuple[str, ...] = ()
    id: int | None = None


def model_from_dict(data: Mapping[str, Any]) -> ModelSpec:
    """Build the spec from a validated ``models[]`` entry."""
    layers = tuple(
        LayerSpec(
            kind=layer["kind"],
            settings=dict(layer.get("settings") or {}),
            rules=tuple(
                RuleSpec(r["name"], dict(r.get("when") or {}), dict(r.get("then") or {}))
                for r in layer.get("rules") or []
            ),
            when=dict(layer.get("when") or {}),
        )
        for layer in data.get("layers") or []
    )
    return ModelSpec(data["name"], layers)
