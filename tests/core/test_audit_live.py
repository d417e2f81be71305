"""`helpmesh audit verify` on a running system: writers append while verify runs, on SQLite and
on PostgreSQL (whichever database this run of the suite uses), in separate processes.

Verify must never cry wolf while the chain grows, and must still name a real tampering.
Run as a script, this file is the writer (`write`) and the repeated verifier (`verify`) itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

WRITER_THREADS = 3
VERIFY_ROUNDS = 6
PAUSE = 0.005  # between one thread's appends: a busy system, not a benchmark


# -- the two roles, run in their own processes -----------------------------------------------


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpmesh.settings")
    import django

    django.setup()


def write_until(stop_file: Path, ready_file: Path, ready_after: int) -> None:
    """Append events from several threads (single events and units of three) until told.

    Touches ``ready_file`` once ``ready_after`` events are committed, so the test knows there
    is a chain to verify and that the writers are up to speed.
    """
    import threading

    from django.db import connection

    from helpmesh.core import audit

    written = [0] * WRITER_THREADS

    def append(thread: int) -> None:
        n = 0
        try:
            while not stop_file.exists():
                n += 1
                if n % 4:
                    audit.record("live.single", "ticket", thread, data={"n": n})
                    written[thread] += 1
                else:
                    with audit.unit():
                        for part in range(3):
                            audit.record("live.unit", "ticket", thread, data={"n": n, "p": part})
                    written[thread] += 3
                if sum(written) >= ready_after and not ready_file.exists():
                    ready_file.touch()
                time.sleep(PAUSE)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(t,)) for t in range(WRITER_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def verify_rounds(rounds: int) -> None:
    """Run verify_chain ``rounds`` times; one JSON line per round (verified count, problem)."""
    from helpmesh.core.audit import ChainProblem, verify_chain

    for _ in range(rounds):
        verified, problem = 0, None
        for item in verify_chain(batch_size=500):
            if isinstance(item, ChainProblem):
                problem = str(item)
            else:
                verified += 1
        print(json.dumps({"verified": verified, "problem": problem}), flush=True)


# -- the tests ---------------------------------------------------------------------------------


@pytest.fixture
def live_env(request, tmp_path) -> dict[str, str]:
    """The environment of a process that uses the same database as this test, committed."""
    from django.db import connection

    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPMESH_")}
    env |= {"DJANGO_SETTINGS_MODULE": "helpmesh.settings", "HELPMESH_HOME": str(tmp_path)}
    if connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db")  # rows committed, visible to the processes
        db = connection.settings_dict
        env["HELPMESH_DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    else:
        # The suite's SQLite is in memory: the processes share a file in WAL mode instead, as
        # `helpmesh demo` does (the kernel's tables are all they need).
        migrate = subprocess.run(
            [sys.executable, "-m", "django", "migrate", "core", "-v0"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert migrate.returncode == 0, migrate.stderr
    return env


def _run(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, __file__, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result


class Writers:
    """The writer process: appends until the block is left (then stops and is waited for)."""

    def __init__(self, env: dict[str, str], tmp_path: Path, ready_after: int) -> None:
        self.env, self.ready_after = env, ready_after
        self.stop, self.ready = tmp_path / "stop-writing", tmp_path / "writers-ready"

    def __enter__(self) -> Writers:
        args = ["write", str(self.stop), str(self.ready), str(self.ready_after)]
        self.process = subprocess.Popen(
            [sys.executable, __file__, *args], env=self.env, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 60
        while not self.ready.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop.touch()
                _, stderr = self.process.communicate(timeout=60)
                raise AssertionError(f"the writers did not get going: {stderr}")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc) -> None:
        self.stop.touch()
        _, stderr = self.process.communicate(timeout=60)
        assert self.process.returncode == 0, stderr


def _count_events(env: dict[str, str]) -> int:
    result = _run(env, "count")
    return int(result.stdout)


def _rounds(env: dict[str, str], rounds: int) -> list[dict]:
    result = _run(env, "verify", str(rounds), timeout=300)
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_verify_never_reports_a_broken_chain_while_events_are_appended(live_env, tmp_path):
    with Writers(live_env, tmp_path, ready_after=200):
        rounds = _rounds(live_env, VERIFY_ROUNDS)
        cli = subprocess.run(
            [sys.executable, "-m", "helpmesh.cli", "audit", "verify"],
            env=live_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        during = _count_events(live_env)
    assert [r["problem"] for r in rounds] == [None] * VERIFY_ROUNDS
    assert cli.returncode == 0, cli.stderr
    assert "audit chain intact" in cli.stderr
    # The writers really wrote beside verify: each round saw a longer chain than the first.
    verified = [r["verified"] for r in rounds]
    assert verified[-1] > verified[0] >= 200
    assert verified == sorted(verified)
    # And once they stop, verify covers every event there is.
    total = _count_events(live_env)
    assert total >= during >= verified[-1]
    [final] = _rounds(live_env, 1)
    assert final == {"verified": total, "problem": None}


def test_a_real_tampering_is_still_named_while_events_are_appended(live_env, tmp_path):
    with Writers(live_env, tmp_path, ready_after=100):
        _run(live_env, "tamper", "42")
        rounds = _rounds(live_env, 4)
    assert [r["problem"] for r in rounds] == [
        "event #42: content does not match its hash (edited)"
    ] * 4
    assert all(r["verified"] == 41 for r in rounds)


def _tamper(seq: int) -> None:
    from helpmesh.core.models import AuditEvent

    assert AuditEvent.objects.filter(seq=seq).update(kind="tampered") == 1


if __name__ == "__main__":
    _setup_django()
    role, *rest = sys.argv[1:]
    if role == "write":
        write_until(Path(rest[0]), Path(rest[1]), int(rest[2]))
    elif role == "verify":
        verify_rounds(int(rest[0]))
    elif role == "tamper":
        _tamper(int(rest[0]))
    elif role == "count":
        from helpmesh.core.audit import head_seq

        print(head_seq())
