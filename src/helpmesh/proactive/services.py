"""The only writers of components, alert sources and incidents. The API, the status page, the
alert receivers, the monitors and the CLI all call these; each change is audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from helpmesh.accounts.models import User
from helpmesh.core import audit, clock, config_cache
from helpmesh.customers.models import Organization
from helpmesh.proactive.models import (
    AlertSource,
    Component,
    ComponentState,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Severity,
)


class ProactiveError(Exception):
    """Bad input to a proactive service; ``field`` names it, ``status`` is the HTTP answer."""

    def __init__(self, message: str, *, field: str = "", code: str = "invalid", status: int = 400):
        super().__init__(message)
        self.message, self.field, self.code, self.status = message, field, code, status


# What an incident of each severity does to the components it touches.
STATE_FOR_SEVERITY = {
    Severity.MINOR: ComponentState.DEGRADED,
    Severity.MAJOR: ComponentState.PARTIAL_OUTAGE,
    Severity.CRITICAL: ComponentState.MAJOR_OUTAGE,
    Severity.MAINTENANCE: ComponentState.MAINTENANCE,
}
SEVERITY_RANK = {
    Severity.MAINTENANCE: 0,
    Severity.MINOR: 1,
    Severity.MAJOR: 2,
    Severity.CRITICAL: 3,
}


def hash_token(token: str) -> str:
    """The stored form of a bearer token (we keep no token in the clear)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_component(name: str, *, description: str = "", actor: Any = None) -> Component:
    """Add a component to the status page."""
    name = " ".join(name.split())
    if not name:
        raise ProactiveError("a component needs a name", field="name")
    slug = slugify(name)[:100] or "component"
    if Component.objects.filter(slug=slug).exists():
        raise ProactiveError(
            f"component {name!r} exists", field="name", code="conflict", status=409
        )
    with audit.unit():
        component = Component.objects.create(
            name=name, slug=slug, description=description, created_at=clock.now()
        )
        audit.record(
            "component.created", "component", component.pk, actor=actor, data={"name": name}
        )
    return component


def component_named(name: str) -> Component | None:
    """The component called ``name`` (by name or slug, case aside), if there is one."""
    return (
        Component.objects.filter(name__iexact=name.strip()).first()
        or Component.objects.filter(slug=slugify(name)).first()
    )


def create_source(
    name: str, *, component: Component | None, actor: Any = None
) -> tuple[AlertSource, str]:
    """Register an alert source; returns it and its bearer token (shown once, stored hashed)."""
    name = " ".join(name.split())
    if not name:
        raise ProactiveError("a source needs a name", field="name")
    if AlertSource.objects.filter(name=name).exists():
        raise ProactiveError(f"source {name!r} exists", field="name", code="conflict", status=409)
    token = secrets.token_urlsafe(32)
    with audit.unit():
        source = AlertSource.objects.create(
            name=name,
            token_hash=hash_token(token),
            default_component=component,
            created_at=clock.now(),
        )
        audit.record(
            "alert_source.created",
            "alert_source",
            source.pk,
            actor=actor,
            data={"name": name, "component": component.pk if component else None},
        )
    return source, token


def source_for_token(token: str) -> AlertSource | None:
    """The source whose token this is, or None."""
    if not token:
        return None
    return (
        AlertSource.objects.select_related("default_component")
        .filter(token_hash=hash_token(token))
        .first()
    )


@dataclass
class NewIncident:
    """What opening an incident needs; ``origin`` says what opened it."""

    title: str
    severity: str = Severity.MINOR
    components: list[Component] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)
    body: str = ""
    origin: str = "manual"
    firing: list[str] = field(default_factory=list)
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None


def _check(new: NewIncident) -> str:
    title = " ".join(new.title.split())[:200]
    if not title:
        raise ProactiveError("an incident needs a title", field="title")
    if new.severity not in Severity.values:
        raise ProactiveError(f"unknown severity {new.severity!r}", field="severity")
    return title


def open_incident(new: NewIncident, *, actor: User | None = None) -> Incident:
    """Open an incident, set its components' state, and tell affected customers (after commit)."""
    title = _check(new)
    now = clock.now()
    scheduled = new.scheduled_for is not None and new.scheduled_for > now
    config_cache.forget("proactive.")  # new tickets look for open incidents again
    with audit.unit():
        incident = Incident.objects.create(
            title=title,
            severity=new.severity,
            intents=[i.strip().lower() for i in new.intents if i.strip()],
            origin=new.origin,
            firing=list(new.firing),
            opened_at=now,
            scheduled_for=new.scheduled_for,
            scheduled_until=new.scheduled_until,
        )
        incident.components.set(new.components)
        incident.affected_organizations.set(new.organizations)
        _add_update(incident, new.body or f"We are investigating: {title}.", actor, now)
        audit.record(
            "incident.opened",
            "incident",
            incident.pk,
            actor=actor,
            data={
                "title": title,
                "severity": new.severity,
                "components": [c.pk for c in new.components],
                "organizations": [o.pk for o in new.organizations],
                "origin": new.origin,
            },
        )
        if not scheduled:
            refresh_states(new.components)
            _after_commit_notify(incident.pk, "opened")
    return incident


def _add_update(incident: Incident, body: str, actor: User | None, at: datetime) -> IncidentUpdate:
    return IncidentUpdate.objects.create(
        incident=incident, status=incident.status, body=body, author=actor, created_at=at
    )


def post_update(
    incident: Incident, body: str, *, status: str | None = None, actor: User | None = None
) -> IncidentUpdate:
    """Add a public line to the timeline, optionally moving the status (not to resolved)."""
    body = body.strip()
    if not body:
        raise ProactiveError("an update needs a body", field="body")
    if status is not None and status not in IncidentStatus.values:
        raise ProactiveError(f"unknown status {status!r}", field="status")
    if status == IncidentStatus.RESOLVED:
        raise ProactiveError("resolve with the resolve operation", field="status")
    if not incident.is_open:
        raise ProactiveError(
            "the incident is resolved", field="incident", code="resolved", status=409
        )
    with audit.unit():
        before = incident.status
        if status and status != before:
            Incident.objects.filter(pk=incident.pk).update(status=status)
            incident.status = status
        update = _add_update(incident, body, actor, clock.now())
        audit.record(
            "incident.updated",
            "incident",
            incident.pk,
            actor=actor,
            data={"update": update.pk, "status": incident.status, "before": before},
        )
    return update


def raise_severity(incident: Incident, severity: str, *, actor: User | None = None) -> bool:
    """Make the incident worse (never better) when a new signal says so."""
    if SEVERITY_RANK[Severity(severity)] <= SEVERITY_RANK[Severity(incident.severity)]:
        return False
    with audit.unit():
        before = incident.severity
        Incident.objects.filter(pk=incident.pk).update(severity=severity)
        incident.severity = severity
        audit.record(
            "incident.severity_changed",
            "incident",
            incident.pk,
            actor=actor,
            data={"severity": severity, "before": before},
        )
        refresh_states(incident.components.all())
    return True


def add_components(
    incident: Incident, components: Iterable[Component], *, actor: Any = None
) -> None:
    """Widen an incident to more components (a second alert on another part)."""
    new = [c for c in components if not incident.components.filter(pk=c.pk).exists()]
    if not new:
        return
    with audit.unit():
        incident.components.add(*new)
        audit.record(
            "incident.components_added",
            "incident",
            incident.pk,
            actor=actor,
            data={"components": [c.pk for c in new]},
        )
        refresh_states(new)


def set_firing(incident: Incident, firing: list[str]) -> None:
    """Remember which signals still fire on the incident (not audited: the alert is)."""
    Incident.objects.filter(pk=incident.pk).update(firing=sorted(set(firing)))
    incident.firing = sorted(set(firing))


def take_over(incident: Incident, *, actor: User) -> Incident:
    """An agent owns the incident: alerts and monitors no longer resolve it on their own."""
    with audit.unit():
        Incident.objects.filter(pk=incident.pk).update(taken_over_by=actor)
        incident.taken_over_by = actor
        audit.record("incident.taken_over", "incident", incident.pk, actor=actor)
    return incident


def resolve_incident(
    incident: Incident, *, body: str = "", actor: User | None = None, by: str = "agent"
) -> bool:
    """Resolve the incident: components recover, linked tickets and customers are told.

    ``by`` is "agent" or the automatic signal ("alert", "monitor"); an automatic resolution is
    refused (False) once an agent took the incident over.
    """
    if not incident.is_open:
        return False
    if by != "agent" and incident.taken_over_by_id is not None:
        return False
    from helpmesh.proactive import linking

    now = clock.now()
    config_cache.forget("proactive.")
    with audit.unit():
        Incident.objects.filter(pk=incident.pk).update(
            status=IncidentStatus.RESOLVED, resolved_at=now, firing=[]
        )
        incident.status, incident.resolved_at, incident.firing = IncidentStatus.RESOLVED, now, []
        _add_update(incident, body.strip() or "This incident has been resolved.", actor, now)
        audit.record("incident.resolved", "incident", incident.pk, actor=actor, data={"by": by})
        refresh_states(incident.components.all())
        linking.final_updates(incident)
        _after_commit_notify(incident.pk, "resolved")
    return True


def refresh_states(components: Iterable[Component]) -> None:
    """Set each component's state from the worst open incident touching it now."""
    now = clock.now()
    for component in components:
        worst = None
        for incident in component.incidents.exclude(status=IncidentStatus.RESOLVED):
            if incident.scheduled_for and incident.scheduled_for > now:
                continue  # announced maintenance that has not started
            if worst is None or SEVERITY_RANK[Severity(incident.severity)] > SEVERITY_RANK[worst]:
                worst = Severity(incident.severity)
        state = STATE_FOR_SEVERITY[worst] if worst else ComponentState.OPERATIONAL
        if state != component.state:
            before = component.state
            Component.objects.filter(pk=component.pk).update(state=state)
            component.state = state
            audit.record(
                "component.state_changed",
                "component",
                component.pk,
                data={"state": state, "before": before},
            )


def open_incident_on(component: Component) -> Incident | None:
    """The newest open (started) incident touching ``component``, if any."""
    now = clock.now()
    for incident in component.incidents.exclude(status=IncidentStatus.RESOLVED).order_by(
        "-opened_at"
    ):
        if incident.scheduled_for is None or incident.scheduled_for <= now:
            return incident
    return None


def _after_commit_notify(incident_id: int, kind: str) -> None:
    from helpmesh.proactive import tasks

    transaction.on_commit(lambda: tasks.notify_customers.enqueue(incident_id, kind))
