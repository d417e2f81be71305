"""How the crowd is doing: answer rate, time to first answer and to solution, who solves
(members or staff), top contributors, escalations. Read by the API now, the analytics later."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from helpmesh.accounts.models import STAFF_ROLES
from helpmesh.community.models import Post, Topic, TopicKind, Visibility


@dataclass(frozen=True)
class CrowdMetrics:
    """Questions asked in [since, until) and what became of them (times in minutes)."""

    since: datetime
    until: datetime
    questions: int
    answered: int
    solved: int
    solved_by_members: int
    solved_by_staff: int
    escalated: int
    median_minutes_to_first_answer: float | None
    median_minutes_to_solution: float | None
    top_contributors: list[dict[str, object]] = field(default_factory=list)

    @property
    def answer_rate(self) -> float:
        return self.answered / self.questions if self.questions else 0.0

    @property
    def member_solution_share(self) -> float:
        return self.solved_by_members / self.solved if self.solved else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "since": self.since,
            "until": self.until,
            "questions": self.questions,
            "answered": self.answered,
            "answer_rate": round(self.answer_rate, 4),
            "solved": self.solved,
            "solved_by_members": self.solved_by_members,
            "solved_by_staff": self.solved_by_staff,
            "member_solution_share": round(self.member_solution_share, 4),
            "escalated": self.escalated,
            "median_minutes_to_first_answer": self.median_minutes_to_first_answer,
            "median_minutes_to_solution": self.median_minutes_to_solution,
            "top_contributors": self.top_contributors,
        }


def measure(since: datetime, until: datetime, *, top: int = 10) -> CrowdMetrics:
    """The crowd's figures for the questions asked between ``since`` and ``until``."""
    questions = Topic.objects.filter(
        kind=TopicKind.QUESTION,
        created_at__gte=since,
        created_at__lt=until,
    ).exclude(visibility=Visibility.PENDING)
    rows = list(
        questions.values(
            "created_at",
            "first_answer_at",
            "solved_at",
            "escalated_at",
            "accepted_post__is_official",
            "accepted_post__author__role",
        )
    )
    solved = [r for r in rows if r["solved_at"]]
    by_staff = [
        r
        for r in solved
        if r["accepted_post__is_official"] or r["accepted_post__author__role"] in STAFF_ROLES
    ]
    return CrowdMetrics(
        since=since,
        until=until,
        questions=len(rows),
        answered=sum(1 for r in rows if r["first_answer_at"]),
        solved=len(solved),
        solved_by_members=len(solved) - len(by_staff),
        solved_by_staff=len(by_staff),
        escalated=sum(1 for r in rows if r["escalated_at"]),
        median_minutes_to_first_answer=_median_minutes(rows, "first_answer_at"),
        median_minutes_to_solution=_median_minutes(rows, "solved_at"),
        top_contributors=_top(questions, top),
    )


def _median_minutes(rows: Sequence[Mapping[str, Any]], key: str) -> float | None:
    waits = [(r[key] - r["created_at"]) / timedelta(minutes=1) for r in rows if r[key]]
    return round(median(waits), 1) if waits else None


def _top(questions: QuerySet[Topic], limit: int) -> list[dict[str, object]]:
    """Members (not staff) by answers and accepted answers on these questions."""
    rows = (
        Post.objects.filter(topic__in=questions, is_question=False, visibility=Visibility.VISIBLE)
        .exclude(author__role__in=STAFF_ROLES)
        .values("author_id", "author__name")
        .annotate(
            answers=Count("id"),
            accepted=Count("id", filter=Q(topic__accepted_post=F("pk"))),
        )
        .order_by("-accepted", "-answers", "author_id")[:limit]
    )
    return [
        {
            "user_id": r["author_id"],
            "name": r["author__name"],
            "answers": r["answers"],
            "accepted": r["accepted"],
        }
        for r in rows
    ]
