"""Community API: forum (topics, replies, votes, tags, watching), under /api/v1/community/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["community"])
