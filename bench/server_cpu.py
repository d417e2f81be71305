"""Server CPU per request for a trivial endpoint: what the HTTP server itself costs.

    .venv/bin/python bench/server_cpu.py [--path /healthz] [--rounds 2] [--seconds 6]

Starts ``helpmesh serve --workers 2`` on the benchmark PostgreSQL database (created by
``bench/load.py``; run that once first), drives it with wrk (8 clients) and reports requests/s
and the server's CPU milliseconds per request, per round. ``--server-cmd`` runs another WSGI
server instead (e.g. gunicorn) for comparisons: ``{port}`` is replaced.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # bench/load.py: environment, ports, CPU accounting


def measure(cmd: list[str], env: dict[str, str], port: int, path: str, seconds: int):
    """(requests/s, server CPU ms per request) for one wrk run against ``cmd``."""
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        load.wait_healthy(url, proc)
        wrk = ["wrk", "-t2", "-c8", f"{url}{path}"]
        subprocess.run([*wrk[:3], "-d2s", wrk[3]], capture_output=True, check=True)  # warm up
        before = load.cpu_seconds(proc.pid)["server"]
        out = subprocess.run(
            [*wrk[:3], f"-d{seconds}s", wrk[3]], capture_output=True, text=True, check=True
        ).stdout
        used = load.cpu_seconds(proc.pid)["server"] - before
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
    requests = int(next(line for line in out.splitlines() if "requests in" in line).split()[0])
    return requests / seconds, used / requests * 1000


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--path", default="/healthz")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--seconds", type=int, default=6)
    p.add_argument("--server-cmd", default="", help="another server's command line, with {port}")
    args = p.parse_args()
    home = Path(tempfile.mkdtemp(prefix="helpmesh-bench-server-cpu-"))
    env = {**os.environ, **load.bench_env("postgres", home)}
    for _ in range(args.rounds):
        port = load.free_port()
        cmd = [str(load.VENV_BIN / "helpmesh"), "serve", "--port", str(port), "--workers", "2"]
        if args.server_cmd:
            cmd = shlex.split(args.server_cmd.format(port=port))
        rps, cpu = measure(cmd, env, port, args.path, args.seconds)
        print(f"{cmd[0].rsplit('/', 1)[-1]:10s} {args.path} {rps:7.0f} req/s  {cpu:.2f} ms CPU/req")


if __name__ == "__main__":
    main()
