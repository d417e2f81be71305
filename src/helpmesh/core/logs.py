"""Log output: plain lines for a terminal, or one JSON object per line for a log shipper.

``HELPMESH_LOG_FORMAT=json`` (settings.LOGGING) makes every record one line such as
``{"time": "2025-01-02T03:04:05.678Z", "level": "WARNING", "logger": "helpmesh.email",
"message": "...", "process": 123}``, plus ``exception`` with the traceback and any ``extra=``
fields the caller passed, so Loki, Elasticsearch or CloudWatch can filter by field.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from helpmesh import config

FORMATS = ("plain", "json")

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.LogRecord("x", logging.INFO, "x", 0, "", None, None))) | {
    "message",
    "asctime",
}


def log_format() -> str:
    """HELPMESH_LOG_FORMAT, validated: ``plain`` (the default) or ``json``."""
    value = (config.env("HELPMESH_LOG_FORMAT", "plain") or "plain").lower()
    if value not in FORMATS:
        raise config.ConfigError(f"HELPMESH_LOG_FORMAT: expected plain or json, got {value!r}")
    return value


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines in messages stay escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            # The log's own time, not clock.now(): a frozen test clock must not stamp logs.
            "time": datetime.fromtimestamp(record.created, tz=UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
            "thread": record.threadName,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        return json.dumps(entry, default=_plain, ensure_ascii=False)


def _plain(value: Any) -> str:
    # Django attaches the request (and others attach objects) as extra: their text will do.
    return str(value)
