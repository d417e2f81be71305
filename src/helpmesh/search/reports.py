"""The content-gap report: what customers look for and do not find (for the KB team).

A gap is a normalized query that, over the period, often returned nothing, or whose results
nobody opened, or after which the customer opened a ticket anyway. Ranked by how many
searches fell into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q

from helpmesh.search.models import SearchClick, SearchQuery


@dataclass(frozen=True)
class Gap:
    query: str
    example: str
    searches: int
    zero_results: int
    no_click: int
    then_ticket: int
    deflected: int


@dataclass(frozen=True)
class Summary:
    searches: int
    zero_results: int
    clicked: int
    deflected: int
    then_ticket: int


def content_gaps(since: datetime, until: datetime, *, limit: int = 50) -> list[Gap]:
    """The worst-served queries between ``since`` and ``until``, most searched first."""
    clicked = Exists(SearchClick.objects.filter(query=OuterRef("pk")))
    rows = (
        _period(since, until)
        .annotate(_clicked=clicked)
        .values("normalized")
        .annotate(
            searches=Count("pk"),
            zero_results=Count("pk", filter=Q(result_count=0)),
            no_click=Count("pk", filter=Q(_clicked=False, result_count__gt=0)),
            then_ticket=Count("pk", filter=Q(outcome=SearchQuery.Outcome.TICKET)),
            deflected=Count("pk", filter=Q(outcome=SearchQuery.Outcome.DEFLECTED)),
        )
        .filter(Q(zero_results__gt=0) | Q(then_ticket__gt=0) | Q(no_click__gt=0))
        .order_by("-zero_results", "-then_ticket", "-searches", "normalized")[:limit]
    )
    examples = _examples([r["normalized"] for r in rows], since, until)
    return [
        Gap(
            r["normalized"],
            examples.get(r["normalized"], r["normalized"]),
            r["searches"],
            r["zero_results"],
            r["no_click"],
            r["then_ticket"],
            r["deflected"],
        )
        for r in rows
    ]


def summary(since: datetime, until: datetime) -> Summary:
    """How searches ended over the period (the deflection counts come from here)."""
    queries = _period(since, until)
    return Summary(
        searches=queries.count(),
        zero_results=queries.filter(result_count=0).count(),
        clicked=queries.filter(Exists(SearchClick.objects.filter(query=OuterRef("pk")))).count(),
        deflected=queries.filter(outcome=SearchQuery.Outcome.DEFLECTED).count(),
        then_ticket=queries.filter(outcome=SearchQuery.Outcome.TICKET).count(),
    )


def _period(since: datetime, until: datetime):
    return SearchQuery.objects.filter(at__gte=since, at__lt=until)


def _examples(normalized: list[str], since: datetime, until: datetime) -> dict[str, str]:
    """One real wording per normalized query (the most recent)."""
    found: dict[str, str] = {}
    for key, text in (
        _period(since, until)
        .filter(normalized__in=normalized)
        .order_by("-at")
        .values_list("normalized", "text")
    ):
        found.setdefault(key, text)
    return found
