"""Search over REST: anyone may search what they may see; staff also see the report."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from helpmesh.api.access import ERRORS, require_agent
from helpmesh.api.auth import OPEN, viewer
from helpmesh.api.errors import ApiError
from helpmesh.core import clock
from helpmesh.search import engine, reports, services

router = Router(tags=["search"])
Kind = Literal["article", "topic", "ticket"]


class SearchFilters(Schema):
    q: str = Field(..., min_length=1, max_length=500)
    kind: list[Kind] = Field(default_factory=list, max_length=3)
    limit: int = Field(10, ge=1, le=50)
    source: str = Field("api", max_length=20)


class HitOut(Schema):
    kind: str
    id: int
    title: str
    snippet: str
    url: str
    score: float


class SearchOut(Schema):
    results: list[HitOut]
    query_id: int | None


class ClickIn(Schema):
    query_id: int = Field(..., ge=1, le=2**63 - 1)
    kind: Kind
    id: int = Field(..., ge=1, le=2**63 - 1)


class OutcomeIn(Schema):
    query_id: int = Field(..., ge=1, le=2**63 - 1)
    outcome: Literal["deflected", "ticket"]
    ticket_id: int | None = Field(None, ge=1, le=2**63 - 1)


class ReportFilters(Schema):
    start: date | None = Field(None, alias="from")
    end: date | None = Field(None, alias="to")
    limit: int = Field(50, ge=1, le=500)


class GapOut(Schema):
    query: str
    example: str
    searches: int
    zero_results: int
    no_click: int
    then_ticket: int
    deflected: int


class SummaryOut(Schema):
    searches: int
    zero_results: int
    clicked: int
    deflected: int
    then_ticket: int


class GapReportOut(Schema):
    start: date
    end: date
    summary: SummaryOut
    gaps: list[GapOut]


@router.get("/search", response={200: SearchOut, **ERRORS}, auth=OPEN)
def search(request: HttpRequest, filters: Query[SearchFilters]) -> Any:
    """Articles, community answers and (for staff) solved tickets, best first; only what the
    caller may see."""
    results = engine.search(
        filters.q,
        viewer=viewer(request),
        kinds=list(filters.kind) or None,
        limit=filters.limit,
        source=filters.source,
    )
    return {"results": results.hits, "query_id": results.query_id}


@router.post("/search/clicks", response={204: None, **ERRORS}, auth=OPEN)
def click(request: HttpRequest, payload: ClickIn) -> Any:
    """Record that a result of one of the caller's searches was opened."""
    if not services.record_click(
        payload.query_id, payload.kind, payload.id, viewer=viewer(request)
    ):
        raise ApiError(404, "not_found", "no such search result", "query_id")
    return Status(204, None)


@router.post("/search/outcome", response={204: None, **ERRORS}, auth=OPEN)
def outcome(request: HttpRequest, payload: OutcomeIn) -> Any:
    """Record how the caller's search ended: deflected, or a ticket opened anyway."""
    ticket = None
    user = viewer(request)
    if payload.ticket_id is not None:
        from helpmesh.conversations.permissions import visible_tickets

        if user is None:
            raise ApiError(404, "not_found", "no such ticket", "ticket_id")
        ticket = visible_tickets(user).filter(pk=payload.ticket_id).first()
        if ticket is None:
            raise ApiError(404, "not_found", "no such ticket", "ticket_id")
    if not services.record_outcome(payload.query_id, payload.outcome, viewer=user, ticket=ticket):
        raise ApiError(404, "not_found", "no such search", "query_id")
    return Status(204, None)


@router.get("/search/content-gaps", response={200: GapReportOut, **ERRORS})
def content_gaps(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    """What customers searched for and did not find (agents and admins); default: 30 days."""
    require_agent(request)
    end = filters.end or clock.now().date()
    start = filters.start or end - timedelta(days=30)
    if start > end:
        raise ApiError(400, "invalid", "from is after to", "from")
    since = datetime.combine(start, time.min, tzinfo=clock.now().tzinfo)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=clock.now().tzinfo)
    return {
        "start": start,
        "end": end,
        "summary": reports.summary(since, until),
        "gaps": reports.content_gaps(since, until, limit=filters.limit),
    }
