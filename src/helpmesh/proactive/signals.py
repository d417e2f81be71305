"""One way for every automatic signal (an alert, a failing monitor) to open, join and clear
incidents. A signal has a key ("alert:<source>:<fingerprint>", "monitor:<id>"); an incident
stays open while any of its keys fires, and resolves when the last one clears, unless an agent
took it over."""

from __future__ import annotations

from helpmesh.proactive import services
from helpmesh.proactive.models import Component, Incident, IncidentStatus


def fire(
    component: Component, key: str, *, title: str, severity: str, body: str = "", origin: str
) -> Incident:
    """Open an incident on ``component`` for this signal, or join the one already open there."""
    incident = _firing(key) or services.open_incident_on(component)
    if incident is None:
        return services.open_incident(
            services.NewIncident(
                title=title,
                severity=severity,
                components=[component],
                organizations=list(component.organizations.all()),
                body=body or f"We are investigating: {title}.",
                origin=origin,
                firing=[key],
            )
        )
    if key not in incident.firing:
        services.set_firing(incident, [*incident.firing, key])
        services.post_update(incident, body or f"Also affected: {title}.")
    services.raise_severity(incident, severity)
    services.add_components(incident, [component])
    return incident


def clear(key: str, *, by: str) -> Incident | None:
    """The signal stopped firing: take it off its incident, resolving it if it was the last."""
    incident = _firing(key)
    if incident is None:
        return None
    remaining = [k for k in incident.firing if k != key]
    services.set_firing(incident, remaining)
    if not remaining:
        services.resolve_incident(incident, by=by)
    return incident


def _firing(key: str) -> Incident | None:
    # A handful of open incidents at most: read them rather than query JSON (SQLite and
    # PostgreSQL differ there).
    for incident in Incident.objects.exclude(status=IncidentStatus.RESOLVED).order_by("-opened_at"):
        if key in incident.firing:
            return incident
    return None
