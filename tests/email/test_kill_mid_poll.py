"""Killing the poller mid-poll and starting it again imports every message exactly once.

Real processes (``helpmesh mail poll --once``) on a file SQLite database and a real Dovecot.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from dovecot import PASSWORD, USER
from emails import compose

MESSAGES = 150
SETUP = f"""
from helpmesh.channels.email import mailboxes
mailboxes.create_mailbox({{"name": "support", "address": "support@helpmesh.test",
    "imap_host": "127.0.0.1", "imap_port": PORT, "imap_security": "none",
    "imap_user": "{USER}", "imap_password": "{PASSWORD}", "send_acknowledgement": False}})
"""


def _env(home) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPMESH_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return {**env, "HELPMESH_HOME": str(home), "HELPMESH_EMAIL_LOCK_SECONDS": "1"}


def _helpmesh(env, *args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "helpmesh.cli", *args], env=env, **kwargs)


def _count(db, sql: str) -> int:
    with sqlite3.connect(db, timeout=30) as connection:
        return connection.execute(sql).fetchone()[0]


def test_kill_mid_poll_then_restart_imports_each_message_once(dovecot, tmp_path):
    env = _env(tmp_path)
    db = tmp_path / "helpmesh.sqlite3"
    assert _helpmesh(env, "migrate", stdout=subprocess.DEVNULL).wait(timeout=120) == 0
    setup = SETUP.replace("PORT", str(dovecot.port))
    assert _helpmesh(env, "manage", "shell", "-c", setup).wait(timeout=60) == 0
    for index in range(MESSAGES):
        dovecot.deliver(compose(f"c{index}@example.com", subject=f"n{index}", body=f"b{index}"))
    poller = _helpmesh(env, "mail", "poll", "--once", stdout=subprocess.DEVNULL)
    imported_sql = "select count(*) from conversations_inboundcontact where channel='email'"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and poller.poll() is None:
        if db.exists() and _count(db, imported_sql) >= 10:
            break
        time.sleep(0.01)
    assert poller.poll() is None, "the poller finished before it could be killed"
    os.kill(poller.pid, signal.SIGKILL)
    poller.wait()
    partial = _count(db, imported_sql)
    assert 0 < partial < MESSAGES
    time.sleep(1.5)  # the killed poller's lock expires (HELPMESH_EMAIL_LOCK_SECONDS=1)
    assert _helpmesh(env, "mail", "poll", "--once").wait(timeout=300) == 0
    assert _count(db, imported_sql) == MESSAGES
    assert _count(db, "select count(*) from conversations_message") == MESSAGES
    assert _count(db, "select count(distinct source_id) from conversations_inboundcontact") == (
        MESSAGES
    )
    assert dovecot.folder_count(criteria="UNSEEN") == 0
