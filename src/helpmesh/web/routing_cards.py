"""The ticket sidebar's Routing and SLA cards, as plain data from routing's read seams.

Routing: ``routing.services.trace_for`` (decisions, newest shown first) and the active model's
tiers, to offer escalation where the ticket sits in a tier's queue. SLA:
``routing.sla.due_times_for`` plus ``paused_time_left`` for clocks a pause stopped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from helpmesh.accounts.models import Team
from helpmesh.conversations.models import Ticket
from helpmesh.core import clock
from helpmesh.routing import services, sla, snapshots
from helpmesh.routing.spec import ModelSpec

EARLIER_SHOWN = 3  # older decisions listed under the latest one; the rest are counted
KINDS = {
    "received": "Routed on arrival",
    "reroute": "Re-routed after an edit",
    "escalate": "Escalated by an agent",
    "sla_escalate": "Escalated on SLA breach",
    "handoff": "Handed off (follow the sun)",
    "relax": "Routed while waiting",
    "absence": "Re-routed: assignee away",
}
METRICS = (
    ("first_response", "First response"),
    ("next_response", "Next response"),
    ("resolution", "Resolution"),
)
CALENDARS = {"always": "round the clock"}


def duration(seconds: float) -> str:
    """3h 20m, 2d 4h, 45m, <1m: short enough for a table cell."""
    minutes = int(abs(seconds) // 60)
    if minutes < 1:
        return "<1m"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {mins}m" if mins else f"{hours}h"
    return f"{mins}m"


def relative_due(due: datetime, now: datetime | None = None) -> str:
    """ "in 3h 20m", or "2h 5m overdue" once the due time has passed."""
    seconds = (due - (now or clock.now())).total_seconds()
    return f"in {duration(seconds)}" if seconds > 0 else f"{duration(seconds)} overdue"


def is_overdue(due: datetime | None, now: datetime | None = None) -> bool:
    return due is not None and due <= (now or clock.now())


# --- Routing card ----------------------------------------------------------------------------


def routing_card(ticket: Ticket) -> dict[str, Any] | None:
    """Latest decision, a few earlier ones, and where an escalation would go (None: no routing)."""
    decisions = services.trace_for(ticket)
    model = snapshots.active_model()
    if not decisions and model is None:
        return None  # this desk does not route: no card
    target = _next_tier(model, ticket, decisions)
    names = _team_names([d["team"] for d in decisions] + ([target[1]] if target else []))
    shown = [_decision(d, names) for d in reversed(decisions)]
    return {
        "latest": shown[0] if shown else None,
        "earlier": shown[1 : 1 + EARLIER_SHOWN],
        "more": max(len(shown) - 1 - EARLIER_SHOWN, 0),
        "model": model.name if model else "",
        "escalate_to": {"tier": target[0], "team": names.get(target[1], target[1])}
        if target
        else None,
    }


def _next_tier(
    model: ModelSpec | None, ticket: Ticket, decisions: list[dict[str, Any]]
) -> tuple[int, str] | None:
    """(tier, team slug) one up, offered only while the ticket sits in its tier's team."""
    layer = model.layer("tiered") if model else None
    if layer is None or ticket.team is None:
        return None
    levels = [str(level) for level in layer.settings["levels"]]
    tier = next((d["tier"] for d in reversed(decisions) if d["tier"]), None) or 1
    if tier >= len(levels) or levels[tier - 1] != ticket.team.slug:
        return None
    return tier + 1, levels[tier]


def _team_names(slugs: Iterable[str]) -> dict[str, str]:
    wanted = {s for s in slugs if s}
    if not wanted:
        return {}
    return dict(Team.objects.filter(slug__in=wanted).values_list("slug", "name"))


def _decision(row: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    layer, _, rule = str(row["rule"]).partition("/")
    return {
        **row,
        "label": KINDS.get(row["kind"], str(row["kind"]).replace("_", " ").capitalize()),
        "layer": layer if rule else "",
        "rule_name": rule or layer,
        "team_name": names.get(row["team"], row["team"]),
    }


# --- SLA card --------------------------------------------------------------------------------


def sla_card(ticket: Ticket) -> dict[str, Any] | None:
    """The ticket's SLA: policy, each metric's state, and an overall status (None: no SLAs)."""
    info = sla.due_times_for([ticket.pk]).get(ticket.pk)
    if info is None:
        return {"none": True} if snapshots.sla_policies() else None
    now = clock.now()
    left = sla.paused_time_left(ticket) if info["paused"] else {}
    metrics = [_metric(key, label, info, left, now) for key, label in METRICS]
    status, status_label = _status(info, metrics)
    return {
        "none": False,
        "policy": info["policy"] or "Deleted policy",
        "calendar": CALENDARS.get(info["calendar"], f"{info['calendar']} calendar"),
        "paused": info["paused"],
        "metrics": metrics,
        "status": status,
        "status_label": status_label,
    }


def _metric(
    key: str, label: str, info: dict[str, Any], left: dict[str, float], now: datetime
) -> dict[str, Any]:
    due: datetime | None = info[f"{key}_due"]
    breached, met = key in info["breached"], key in info["met"]
    row: dict[str, Any] = {"key": key, "label": label, "due": due}
    if due is not None:
        late = is_overdue(due, now) or breached
        warned = key in info["warned"]
        row["state"] = "overdue" if late else "warning" if warned else "running"
        row["text"] = relative_due(due, now)
    elif key in left:
        row["state"], row["text"] = "paused", f"Paused · {duration(left[key])} left"
    elif breached:
        row["state"], row["text"] = "breached", "Met late" if met else "Breached"
    elif met:
        row["state"], row["text"] = "met", "Met"
    else:
        row["state"], row["text"] = "idle", "—"
    return row


def _status(info: dict[str, Any], metrics: list[dict[str, Any]]) -> tuple[str, str]:
    states = {m["state"] for m in metrics}
    if info["paused"]:
        return "paused", "Paused"
    if "overdue" in states:
        return "overdue", "Overdue"
    if "warning" in states:
        return "warning", "Due soon"
    if "running" in states:
        return "running", "On track"
    if info["breached"]:
        return "breached", "Breached"
    return ("met", "Met") if info["met"] else ("idle", "Not running")
