"""Inbound alerts over webhooks: Prometheus Alertmanager's webhook body (version 4) and a
generic JSON body. The raw body is stored (InboundAlert) before it is read, so a body we
refuse is kept with the reason and can be replayed once the parser learns.

Alertmanager posts one body per group: several alerts, some firing and some resolved. Each alert
is a signal keyed by its source and fingerprint (proactive.signals).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from helpmesh.core import audit, clock
from helpmesh.proactive import signals
from helpmesh.proactive.models import AlertSource, AlertState, Component, InboundAlert, Severity
from helpmesh.proactive.services import ProactiveError, component_named

# Alertmanager's customary severity labels, mapped to ours.
SEVERITIES = {
    "critical": Severity.CRITICAL,
    "page": Severity.CRITICAL,
    "major": Severity.MAJOR,
    "error": Severity.MAJOR,
    "high": Severity.MAJOR,
    "warning": Severity.MINOR,
    "minor": Severity.MINOR,
    "info": Severity.MINOR,
}


@dataclass
class Alert:
    """One alert, read and checked, ready to apply."""

    firing: bool
    fingerprint: str
    component: Component
    title: str
    severity: str
    body: str


def receive(source: AlertSource, raw: bytes, kind: str) -> list[int]:
    """Keep ``raw``, then parse and apply it; returns the incidents touched.

    Raises ProactiveError (400, naming the field) for a body we cannot read; the raw body stays
    stored as rejected with the reason.
    """
    stored = InboundAlert.objects.create(
        source=source, kind=kind, raw=raw, received_at=clock.now(), state=AlertState.RECEIVED
    )
    try:
        body = _json(raw)
        alerts = _alertmanager(body, source) if kind == "alertmanager" else _generic(body, source)
    except ProactiveError as exc:
        InboundAlert.objects.filter(pk=stored.pk).update(
            state=AlertState.REJECTED, error=f"{exc.field}: {exc.message}"
        )
        raise
    with audit.unit():
        touched = [_apply(source, alert) for alert in alerts]
        InboundAlert.objects.filter(pk=stored.pk).update(state=AlertState.PROCESSED)
    return sorted({i for i in touched if i is not None})


def _apply(source: AlertSource, alert: Alert) -> int | None:
    key = f"alert:{source.pk}:{alert.fingerprint}"
    if alert.firing:
        incident = signals.fire(
            alert.component,
            key,
            title=alert.title,
            severity=alert.severity,
            body=alert.body,
            origin=key,
        )
        return incident.pk
    cleared = signals.clear(key, by="alert")
    return cleared.pk if cleared else None


def _json(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProactiveError(f"the body is not JSON ({exc})", field="body") from exc
    if not isinstance(body, dict):
        raise ProactiveError("the body must be a JSON object", field="body")
    return body


def _text(value: Any, field: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ProactiveError(f"{field} must be a non-empty string", field=field)
    return value.strip()


def _mapping(value: Any, field: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ProactiveError(f"{field} must be an object of strings", field=field)
    return value


def _timestamp(value: Any, field: str) -> datetime | None:
    if value in (None, "", "0001-01-01T00:00:00Z"):  # Alertmanager's "no end yet"
        return None
    try:
        return datetime.fromisoformat(_text(value, field).replace("Z", "+00:00"))
    except ValueError as exc:
        raise ProactiveError(f"{field} is not an RFC 3339 time", field=field) from exc


def _component(labels: dict[str, str], source: AlertSource, field: str) -> Component:
    name = labels.get("component", "").strip()
    if name:
        found = component_named(name)
        if found is None:
            raise ProactiveError(f"no component named {name!r}", field=field)
        return found
    if source.default_component is None:
        raise ProactiveError(
            "no component label and the source has no default component", field=field
        )
    return source.default_component


def _status(value: Any, field: str) -> bool:
    if value not in ("firing", "resolved"):
        raise ProactiveError(f"{field} must be 'firing' or 'resolved'", field=field)
    return value == "firing"


def _alertmanager(body: dict[str, Any], source: AlertSource) -> list[Alert]:
    if str(body.get("version", "")) != "4":
        raise ProactiveError("only Alertmanager webhook version '4' is understood", field="version")
    _status(body.get("status"), "status")
    items = body.get("alerts")
    if not isinstance(items, list) or not items:
        raise ProactiveError("alerts must be a non-empty list", field="alerts")
    common = _mapping(body.get("commonLabels"), "commonLabels")
    return [_alertmanager_alert(item, i, source, common) for i, item in enumerate(items)]


def _alertmanager_alert(item: Any, i: int, source: AlertSource, common: dict[str, str]) -> Alert:
    where = f"alerts[{i}]"
    if not isinstance(item, dict):
        raise ProactiveError(f"{where} must be an object", field=where)
    labels = {**common, **_mapping(item.get("labels"), f"{where}.labels")}
    if not labels:
        raise ProactiveError(f"{where}.labels must not be empty", field=f"{where}.labels")
    annotations = _mapping(item.get("annotations"), f"{where}.annotations")
    if _timestamp(item.get("startsAt"), f"{where}.startsAt") is None:
        raise ProactiveError(f"{where}.startsAt is required", field=f"{where}.startsAt")
    _timestamp(item.get("endsAt"), f"{where}.endsAt")
    fingerprint = _text(item.get("fingerprint"), f"{where}.fingerprint", required=False)
    title = annotations.get("summary") or labels.get("alertname") or "Alert"
    return Alert(
        firing=_status(item.get("status"), f"{where}.status"),
        fingerprint=fingerprint or _fingerprint(labels),
        component=_component(labels, source, f"{where}.labels.component"),
        title=title[:200],
        severity=SEVERITIES.get(labels.get("severity", "").lower(), Severity.MINOR),
        body=annotations.get("description") or annotations.get("summary") or "",
    )


def _fingerprint(labels: dict[str, str]) -> str:
    # Alertmanager's own fingerprint is a hash of the label set; we do the same when it is absent.
    return hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).hexdigest()[:16]


def _generic(body: dict[str, Any], source: AlertSource) -> list[Alert]:
    """{"key", "status": firing|resolved, "title", "component"?, "severity"?, "description"?}"""
    firing = _status(body.get("status"), "status")
    title = _text(body.get("title"), "title")
    severity = _text(body.get("severity"), "severity", required=False) or Severity.MINOR
    if severity not in Severity.values:
        raise ProactiveError(
            f"severity must be one of {', '.join(Severity.values)}", field="severity"
        )
    component_name = _text(body.get("component"), "component", required=False)
    return [
        Alert(
            firing=firing,
            fingerprint=_text(body.get("key"), "key"),
            component=_component({"component": component_name}, source, "component"),
            title=title[:200],
            severity=severity,
            body=_text(body.get("description"), "description", required=False),
        )
    ]
