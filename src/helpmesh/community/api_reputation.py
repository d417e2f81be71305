"""Community API: reputation, trust levels, badges, leaderboards and profiles."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["community"])
