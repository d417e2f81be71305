"""Community API: the crowd layer and crowd metrics, under /api/v1/community/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["community"])
