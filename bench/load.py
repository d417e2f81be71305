"""Load benchmark of the helpmesh REST API against ``helpmesh serve`` (see docs/benchmarks.md).

    .venv/bin/python bench/load.py --db postgres --tickets 100000
    .venv/bin/python bench/load.py --db sqlite --tickets 100000

Creates a fresh database, migrates it, makes the accounts through the real services, bulk-fills
N tickets, starts ``helpmesh serve --workers 2`` on a free loopback port and measures:

- sequential latency (one client, no load) of the ticket list and search, as admin and agent;
- the same endpoints under ``wrk`` load;
- ticket creation (POST /api/v1/tickets as a customer) under ``wrk`` at 32 clients.

Prints a table and writes bench/results/<timestamp>.json. The server is always stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VENV_BIN = Path(sys.executable).parent
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "helpmesh_bench"
console = Console(width=150)
SERVER_PID: list[int] = []  # the running server's pid, for CPU accounting


# ---------------------------------------------------------------- environment and database


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    p.add_argument("--tickets", type=int, default=100_000, help="tickets in the database")
    p.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    p.add_argument("--warmup", type=int, default=5, help="seconds of wrk warm-up per scenario")
    p.add_argument("--repeat", type=int, default=1, help="wrk runs per scenario (median)")
    p.add_argument("--create-clients", type=int, default=32)
    p.add_argument("--read-clients", type=int, default=8)
    p.add_argument("--sequential", type=int, default=200, help="requests per sequential test")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4, help="server threads per worker")
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--only", default="", help="comma list of scenarios to run (default all)")
    p.add_argument(
        "--quiet-wait",
        type=float,
        default=60,
        help="max seconds to wait for an idle machine before each run (0: never)",
    )
    p.add_argument("--keep", action="store_true", help="keep the SQLite home folder")
    return p.parse_args(argv)


def bench_env(db: str, home: Path) -> dict[str, str]:
    """The HELPMESH_* settings shared by this process, migrate and the server."""
    env = {
        "HELPMESH_HOME": str(home),
        "HELPMESH_SECRET_KEY": "bench-" + "x" * 40,
        "HELPMESH_LOG_LEVEL": "WARNING",
        "HELPMESH_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "helpmesh.settings",
    }
    if db == "postgres":
        env["HELPMESH_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    return env


def fresh_database(db: str) -> None:
    """Drop and create the PostgreSQL benchmark database (SQLite starts in an empty home)."""
    if db != "postgres":
        return
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")


def migrate(env: dict[str, str]) -> None:
    """``helpmesh migrate`` in a subprocess, as an operator would run it."""
    subprocess.run(
        [str(VENV_BIN / "helpmesh"), "migrate"],
        env={**os.environ, **env},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def django_setup(env: dict[str, str]) -> None:
    """Configure Django in this process with the same settings as the server."""
    os.environ.update(env)
    sys.path.insert(0, str(BENCH_DIR))
    import django

    django.setup()


def seed(tickets: int):
    """Accounts through the services, then the bulk fill; returns (actors, counts, seconds)."""
    import dataset

    started = time.perf_counter()
    actors = dataset.create_actors()
    with console.status("filling") as status:
        counts = dataset.fill(
            actors, tickets, progress=lambda n: status.update(f"filled {n}/{tickets} tickets")
        )
        status.update("analyze")
        dataset.analyze()
    return actors, counts, time.perf_counter() - started


# ---------------------------------------------------------------- the server


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait for GET /healthz to answer 200, or fail if the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"helpmesh serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("helpmesh serve did not become healthy in time")


@contextmanager
def server(env: dict[str, str], workers: int, threads: int, log: Path) -> Iterator[str]:
    """Run ``helpmesh serve`` on a free loopback port; always stopped on exit."""
    port = free_port()
    cmd = [
        str(VENV_BIN / "helpmesh"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, env={**os.environ, **env}, stdout=out, stderr=out, start_new_session=True
        )
        url = f"http://127.0.0.1:{port}"
        SERVER_PID[:] = [proc.pid]
        try:
            wait_healthy(url, proc)
            yield url
        finally:
            SERVER_PID.clear()
            stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM the server's main process (it stops its workers), SIGKILL the group if it hangs."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# ---------------------------------------------------------------- clients


def token(url: str, email: str) -> str:
    """A bearer token from POST /api/v1/auth/token."""
    import dataset

    r = httpx.post(
        f"{url}/api/v1/auth/token", json={"email": email, "password": dataset.PASSWORD}, timeout=30
    )
    r.raise_for_status()
    return r.json()["token"]


def check(url: str, tok: str, path: str, expect: int = 200) -> dict:
    """One request that must succeed, so a broken scenario never times garbage."""
    r = httpx.get(f"{url}{path}", headers={"Authorization": f"Bearer {tok}"}, timeout=60)
    if r.status_code != expect:
        raise RuntimeError(f"GET {path}: {r.status_code} {r.text[:300]}")
    return r.json()


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def sequential(url: str, tok: str, paths: Callable[[int], str], n: int) -> dict[str, float]:
    """Latency of ``n`` requests one after another (ms): p50, p95, p99, mean."""
    times = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tok}"}, timeout=60) as c:
        for i in range(n + 5):
            started = time.perf_counter()
            r = c.get(paths(i))
            elapsed = (time.perf_counter() - started) * 1000
            if r.status_code != 200:
                raise RuntimeError(f"GET {paths(i)}: {r.status_code}")
            if i >= 5:  # the first few warm the connection and the worker
                times.append(elapsed)
    return {
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "p99_ms": percentile(times, 99),
        "mean_ms": statistics.fmean(times),
        "n": n,
    }


def _proc_cpu(pid: str) -> tuple[str, int, float]:
    """(command name, parent pid, CPU seconds) of a process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        raw = f.read()
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _is_bench_backend(pid: str) -> bool:
    """Whether a process is a PostgreSQL backend serving the benchmark database."""
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f" {PG_DB} ".encode() in f.read().replace(b"\0", b" ")


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the server (main process and workers) and by the
    PostgreSQL backends of the benchmark database (not other databases on the machine).

    Exited backends are not counted: the server keeps its connections open.
    """
    totals = {"server": 0.0, "postgres": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            name, ppid, seconds = _proc_cpu(pid)
        except (OSError, ValueError):
            continue
        if int(pid) == server_pid or ppid == server_pid:
            totals["server"] += seconds
        elif name == "postgres" and _is_bench_backend(pid):
            totals["postgres"] += seconds
    return totals


def repeated_sequential(url: str, tok: str, paths: Callable[[int], str], args) -> dict:
    """``--repeat`` sequential runs; the median of each figure and every run's figures."""
    runs = []
    for _ in range(args.repeat):
        busy = wait_quiet()
        runs.append({**sequential(url, tok, paths, args.sequential), "busy_before": round(busy, 3)})
    keys = ("p50_ms", "p95_ms", "p99_ms", "mean_ms")
    return {**{k: statistics.median(r[k] for r in runs) for k in keys}, "runs": runs}


def _wrk(script: str, url: str, env: dict[str, str], clients: int, seconds: int, threads: int):
    """Run wrk once and return the JSON line that report.lua prints, parsed."""
    cmd = [
        "wrk",
        f"-t{min(threads, clients)}",
        f"-c{clients}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(BENCH_DIR / script),
        url,
    ]
    out = subprocess.run(
        cmd,
        env={**os.environ, **env, "BENCH_DIR": str(BENCH_DIR)},
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
    return json.loads(line.removeprefix("BENCH_JSON "))


def run_wrk(
    script: str,
    url: str,
    env: dict[str, str],
    clients: int,
    seconds: int,
    threads: int,
    *,
    sample_pg: bool = False,
) -> dict:
    """One wrk run: requests/s, latency percentiles (ms), errors, CPU per request and, with
    ``sample_pg``, what the PostgreSQL sessions were doing."""
    before = cpu_seconds(SERVER_PID[0]) if SERVER_PID else None
    with pg_activity(sample_pg) as sessions:
        raw = _wrk(script, url, env, clients, seconds, threads)
    lat = raw["latency_us"]
    result = {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "requests": raw["requests"],
        "errors": sum(raw["errors"].values()),
        "error_detail": raw["errors"],
        **{f"{k}_ms": lat[k] / 1000 for k in ("p50", "p90", "p95", "p99", "max", "mean")},
    }
    if sessions:
        result["pg_sessions"] = sessions
    if before is not None and raw["requests"]:
        after = cpu_seconds(SERVER_PID[0])
        for key in before:
            result[f"{key}_cpu_ms_per_req"] = (after[key] - before[key]) * 1000 / raw["requests"]
    return result


def busy_fraction(seconds: float = 1.0) -> float:
    """The fraction of all CPUs busy over ``seconds`` (from /proc/stat)."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return sum(values) - idle, sum(values)

    busy0, total0 = sample()
    time.sleep(seconds)
    busy1, total1 = sample()
    return (busy1 - busy0) / max(1, total1 - total0)


QUIET_WAIT = [60.0]  # --quiet-wait


def wait_quiet(threshold: float = 0.25) -> float:
    """Wait (at most ``limit`` s) until other programs leave the CPUs mostly idle.

    The machine is shared: a test suite running beside the benchmark halves its figures.
    Returns the last busy fraction measured, recorded with the results.
    """
    deadline = time.monotonic() + QUIET_WAIT[0]
    busy = busy_fraction()
    while busy > threshold and time.monotonic() < deadline:
        busy = busy_fraction(2.0)
    if busy > threshold:
        console.print(f"[yellow]machine busy ({busy:.0%} CPU) before a run; figures suffer[/]")
    return busy


def wrk_scenario(
    script: str, url: str, env: dict[str, str], clients: int, args, *, sample_pg: bool = False
) -> dict:
    """Warm up, then ``--repeat`` runs; the median of each figure and every run's figures."""
    if args.warmup:
        wait_quiet()
        run_wrk(script, url, env, clients, args.warmup, args.wrk_threads)
    runs = []
    for _ in range(args.repeat):
        busy = wait_quiet()
        runs.append(
            run_wrk(script, url, env, clients, args.duration, args.wrk_threads, sample_pg=sample_pg)
        )
        runs[-1]["busy_before"] = round(busy, 3)
    keys = (
        "rps",
        "p50_ms",
        "p90_ms",
        "p95_ms",
        "p99_ms",
        "max_ms",
        "errors",
        "server_cpu_ms_per_req",
        "postgres_cpu_ms_per_req",
    )
    median = {k: statistics.median(r[k] for r in runs) for k in keys if k in runs[0]}
    return {**median, "clients": clients, "seconds": args.duration, "runs": runs}


# ---------------------------------------------------------------- scenarios


def search_path(words: list[str]) -> Callable[[int], str]:
    """GET paths that rotate through the search words."""
    return lambda i: f"/api/v1/tickets?limit=50&q={words[i % len(words)].replace(' ', '+')}"


def read_scenarios(url: str, tokens: dict[str, str], args) -> dict[str, dict]:
    """Sequential, then loaded, list and search, as admin and as agent."""
    import dataset

    words = dataset.SEARCH_WORDS
    results: dict[str, dict] = {}
    for role in ("admin", "agent"):
        page = check(url, tokens[role], "/api/v1/tickets?limit=50")
        if len(page["items"]) != 50:
            raise RuntimeError(f"list as {role}: {len(page['items'])} items, expected 50")
        check(url, tokens[role], search_path(words)(0))
        for name, paths in (
            ("list", lambda i: "/api/v1/tickets?limit=50"),
            ("search", search_path(words)),
        ):
            key = f"{name}_{role}"
            if not wanted(args, key):
                continue
            results[f"{key}_seq"] = repeated_sequential(url, tokens[role], paths, args)
            env = {
                "BENCH_TOKEN": tokens[role],
                "BENCH_PATH": "/api/v1/tickets?limit=50",
                "BENCH_WORDS": ",".join(words) if name == "search" else "",
            }
            results[f"{key}_load"] = wrk_scenario("get.lua", url, env, args.read_clients, args)
            show_progress(key, results)
    return results


ACTIVITY_SQL = """
    SELECT coalesce(wait_event_type, ''), coalesce(wait_event, ''), coalesce(state, '')
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_type = 'client backend'
"""


@contextmanager
def pg_activity(enabled: bool, interval: float = 0.1) -> Iterator[dict]:
    """Sample the server's PostgreSQL sessions while the block runs.

    Fills the yielded dict with the mean number of sessions waiting for a lock (the audit chain
    head is the one lock every create takes), in a transaction, and syncing the WAL.
    """
    summary: dict = {}
    if not enabled:
        yield summary
        return
    import psycopg

    counts = {"samples": 0, "lock_wait": 0, "in_transaction": 0, "wal_sync": 0, "sessions": 0}
    stop_event = threading.Event()

    def sample() -> None:
        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:5432/{PG_DB}", autocommit=True
        ) as conn:
            while not stop_event.wait(interval):
                rows = conn.execute(ACTIVITY_SQL).fetchall()
                counts["samples"] += 1
                counts["sessions"] += len(rows)
                counts["lock_wait"] += sum(r[0] == "Lock" for r in rows)
                counts["wal_sync"] += sum(r[1] == "WALSync" for r in rows)
                counts["in_transaction"] += sum(r[2] != "idle" for r in rows)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield summary
    finally:
        stop_event.set()
        thread.join()
        n = max(1, counts["samples"])
        summary.update({k: round(v / n, 2) for k, v in counts.items() if k != "samples"})
        summary["samples"] = counts["samples"]


def create_scenario(url: str, tokens: dict[str, str], args, count: Callable[[], int]) -> dict:
    """Ticket creation as a customer under load; checks that every 201 made a ticket."""
    r = httpx.post(
        f"{url}/api/v1/tickets",
        json={"subject": "preflight", "body": "hello"},
        headers={"Authorization": f"Bearer {tokens['customer']}"},
        timeout=60,
    )
    if r.status_code != 201:
        raise RuntimeError(f"POST /api/v1/tickets: {r.status_code} {r.text[:300]}")
    before = count()
    result = wrk_scenario(
        "create.lua",
        url,
        {"BENCH_TOKEN": tokens["customer"]},
        args.create_clients,
        args,
        sample_pg=args.db == "postgres",
    )
    made = count() - before
    timed = sum(r["requests"] - r["errors"] for r in result["runs"])
    result["tickets_created_total"] = made
    result["requests_ok_timed"] = timed
    return result


def wanted(args, key: str) -> bool:
    """Whether ``--only`` selects the scenario (prefix match)."""
    return not args.only or any(key.startswith(s) for s in args.only.split(","))


def show_progress(key: str, results: dict) -> None:
    """One line per finished scenario while the benchmark runs."""
    seq, load = results.get(f"{key}_seq"), results[f"{key}_load"]
    line = f"  {key}:"
    if seq:
        line += f" sequential p50 {seq['p50_ms']:.1f} ms p95 {seq['p95_ms']:.1f} ms;"
    console.print(
        f"{line} {load['clients']} clients {load['rps']:.0f} req/s p50 "
        f"{load['p50_ms']:.1f} ms p99 {load['p99_ms']:.1f} ms"
    )


# ---------------------------------------------------------------- report


def ticket_count() -> int:
    """Tickets in the database (read through the bench process's own connection)."""
    from django.db import connection

    from helpmesh.conversations.models import Ticket

    connection.close()  # a fresh snapshot on SQLite
    return Ticket.objects.count()


def metadata(args, counts: dict, fill_seconds: float) -> dict:
    """Where and on what the figures were measured."""
    from django.db import connection

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True, capture_output=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "src"], cwd=ROOT, text=True, capture_output=True
    ).stdout.strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "select version()" if connection.vendor == "postgresql" else "select sqlite_version()"
        )
        db_version = cursor.fetchone()[0]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "src_uncommitted_changes": bool(dirty),
        "db": args.db,
        "db_version": db_version,
        "tickets": args.tickets,
        "rows": counts,
        "fill_seconds": round(fill_seconds, 1),
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
        "python": platform.python_version(),
        "wrk": (wrk_version.stdout or wrk_version.stderr).splitlines()[0],
        "server": {"workers": args.workers, "threads": args.threads},
        "settings": {
            k: getattr(args, k)
            for k in (
                "duration",
                "warmup",
                "repeat",
                "create_clients",
                "read_clients",
                "sequential",
                "wrk_threads",
            )
        },
    }


def print_table(meta: dict, results: dict) -> None:
    """The figures as a rich table."""
    table = Table(
        title=f"helpmesh API, {meta['db']}, {meta['tickets']:,} tickets "
        f"({meta['server']['workers']} workers x {meta['server']['threads']} "
        f"threads)"
    )
    cols = (
        "scenario",
        "clients",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "app CPU ms/req",
        "db CPU ms/req",
    )
    for col in cols:
        table.add_column(col, justify="left" if col == "scenario" else "right")
    for key, r in results.items():
        clients = str(r.get("clients", 1))
        rps = f"{r['rps']:.0f}" if "rps" in r else "-"
        errors = str(int(r.get("errors", 0)))
        app, db = (
            f"{r[k]:.1f}" if k in r else "-"
            for k in ("server_cpu_ms_per_req", "postgres_cpu_ms_per_req")
        )
        table.add_row(
            key,
            clients,
            rps,
            f"{r['p50_ms']:.1f}",
            f"{r['p95_ms']:.1f}",
            f"{r['p99_ms']:.1f}",
            errors,
            app,
            db,
        )
    console.print(table)


def save(meta: dict, results: dict) -> Path:
    """Write bench/results/<timestamp>-<db>.json."""
    out_dir = BENCH_DIR / "results"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"{datetime.now().strftime('%Y%m%d-%H%M%S')}-{meta['db']}.json"
    path.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    return path


# ---------------------------------------------------------------- main


def measure(args, env: dict[str, str], home: Path) -> int:
    """Seed, serve and run the scenarios; print and save the figures."""
    django_setup(env)
    actors, counts, fill_seconds = seed(args.tickets)
    console.print(f"seeded {counts} in {fill_seconds:.0f} s (home {home})")
    meta = metadata(args, counts, fill_seconds)
    log = home / "server.log"
    try:
        with server(env, args.workers, args.threads, log) as url:
            tokens = {
                role: token(url, email)
                for role, email in (
                    ("admin", actors.admin_email),
                    ("agent", actors.agent_email),
                    ("customer", actors.customer_email),
                )
            }
            results = read_scenarios(url, tokens, args)
            if wanted(args, "create"):
                results["create"] = create_scenario(url, tokens, args, ticket_count)
                show_progress("create", {"create_load": results["create"]})
    except Exception:
        console.print(f"[red]benchmark failed[/red]; server log tail ({log}):")
        console.print(log.read_text()[-3000:] if log.exists() else "(no log)")
        raise
    meta["loadavg_end"] = os.getloadavg()
    print_table(meta, results)
    console.print(f"results: {save(meta, results)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Fresh database, then measure; the SQLite home is removed unless --keep."""
    args = parse_args(argv)
    QUIET_WAIT[0] = args.quiet_wait
    if not shutil.which("wrk"):
        console.print("[red]wrk is not installed[/red] (apt-get install -y wrk)")
        return 2
    home = Path(tempfile.mkdtemp(prefix=f"helpmesh-bench-{args.db}-"))
    env = bench_env(args.db, home)
    try:
        fresh_database(args.db)
        migrate(env)
        return measure(args, env, home)
    finally:
        if args.db == "sqlite" and not args.keep:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
