"""HELPMESH_LOG_FORMAT=json: one JSON object per log line, with the traceback and extra fields."""

import json
import logging
import os
import subprocess
import sys

import pytest

from helpmesh.config import ConfigError
from helpmesh.core.logs import JsonFormatter, log_format


def record(message: str, *args, exc_info=None, **extra) -> logging.LogRecord:
    logger = logging.getLogger("helpmesh.test")
    return logger.makeRecord(
        logger.name, logging.WARNING, __file__, 1, message, args, exc_info, extra=extra
    )


def test_a_record_is_one_line_of_json_with_its_fields():
    line = JsonFormatter().format(record("mailbox %s\nunreachable", "support", mailbox_id=7))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "helpmesh.test"
    assert entry["message"] == "mailbox support\nunreachable"
    assert entry["mailbox_id"] == 7  # extra= fields become fields
    assert entry["time"].endswith("Z") and entry["process"] == os.getpid()


def test_an_exception_carries_its_traceback():
    try:
        raise ValueError("bad header")
    except ValueError:
        entry = json.loads(JsonFormatter().format(record("parse failed", exc_info=sys.exc_info())))
    assert "ValueError: bad header" in entry["exception"]
    assert "Traceback" in entry["exception"]


def test_objects_in_extra_fields_are_written_as_text():
    entry = json.loads(JsonFormatter().format(record("x", request=object())))
    assert entry["request"].startswith("<object object at")


def test_the_setting_accepts_plain_and_json_only(monkeypatch):
    monkeypatch.delenv("HELPMESH_LOG_FORMAT", raising=False)
    assert log_format() == "plain"
    monkeypatch.setenv("HELPMESH_LOG_FORMAT", "JSON")
    assert log_format() == "json"
    monkeypatch.setenv("HELPMESH_LOG_FORMAT", "xml")
    with pytest.raises(ConfigError, match="HELPMESH_LOG_FORMAT"):
        log_format()


LOG_SOMETHING = """
import django, logging
django.setup()
logging.getLogger("helpmesh.email").warning("mailbox %s unreachable", "support")
"""


def test_the_setting_makes_the_process_log_json(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPMESH_")}
    env |= {
        "HELPMESH_HOME": str(tmp_path),
        "HELPMESH_LOG_FORMAT": "json",
        "DJANGO_SETTINGS_MODULE": "helpmesh.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", LOG_SOMETHING], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["logger"] == "helpmesh.email"
    assert entry["message"] == "mailbox support unreachable"
