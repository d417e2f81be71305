"""The real commands, really started: `helpmesh demo` and `helpmesh serve` answer HTTP."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(args: list[str], env: dict[str, str], port: int, timeout: float = 120):
    process = subprocess.Popen(
        [sys.executable, "-m", "helpmesh.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read().decode())
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            raise AssertionError("no answer from /healthz in time")
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def clean_env(tmp_path, **extra) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HELPMESH_") and k != "DJANGO_SETTINGS_MODULE"
    }
    return {**env, "HELPMESH_HOME": str(tmp_path / "home"), **extra}


def test_demo_seeds_serves_and_signs_in(tmp_path):
    port = free_port()
    env = clean_env(tmp_path, HELPMESH_DEMO_TICKETS="25")
    with running(["demo", "--port", str(port)], env, port):
        base = f"http://127.0.0.1:{port}"
        token = httpx.post(
            f"{base}/api/v1/auth/token", json={"email": "agent@example.com", "password": "demo"}
        )
        assert token.status_code == 200
        tickets = httpx.get(
            f"{base}/api/v1/tickets", headers={"Authorization": f"Bearer {token.json()['token']}"}
        )
        assert tickets.status_code == 200 and tickets.json()["items"]
    assert (tmp_path / "home" / "helpmesh.sqlite3").exists()


def test_serve_refuses_to_start_without_a_secret(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "helpmesh.cli", "serve"],
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "HELPMESH_SECRET_KEY" in result.stderr


def test_bad_settings_stop_the_command_with_a_clear_message(tmp_path):
    env = clean_env(tmp_path, HELPMESH_DATABASE_URL="mysql://nope/x")
    result = subprocess.run(
        [sys.executable, "-m", "helpmesh.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "HELPMESH_DATABASE_URL" in result.stderr


@pytest.mark.parametrize("workers", [2])
def test_serve_runs_with_workers(tmp_path, workers):
    port = free_port()
    env = clean_env(tmp_path, HELPMESH_SECRET_KEY="x" * 40)
    subprocess.run(
        [sys.executable, "-m", "helpmesh.cli", "migrate"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    with running(["serve", "--port", str(port), "--workers", str(workers)], env, port) as server:
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
        assert len(children.stdout.split()) == workers
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json").status_code == 200
