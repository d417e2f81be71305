"""Live chat at scale: many open chats, each with its visitor's event stream open, and message
delivery latency visitor -> agent -> visitor over real HTTP and server-sent events.

    .venv/bin/python bench/chat.py [--chats 1000] [--messages 1000] [--rate 25]
                                   [--pubsub memory|redis] [--database-url postgres://...]

A throwaway home (SQLite unless --database-url) and one server process (Django's threaded
WSGI server: one thread per open stream) serve the API. The bench opens ``--chats`` sessions,
each writes a first message (the ticket opens; not measured) and keeps its visitor stream
open; one agent listens on the inbox stream and answers every visitor message through
``POST /api/v1/tickets/{id}/messages``. Then ``--messages`` visitor messages are sent at
``--rate`` per second over random chats. Reported, p50 and p99:

    visitor -> agent   the visitor's POST starts .. the inbox stream carries the message
    agent -> visitor   the agent's POST starts .. the visitor's stream carries the reply
    round trip         the visitor's POST starts .. the reply arrives at the visitor
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SERVER = """
import django, sys
django.setup()
from django.core.servers.basehttp import WSGIServer, run
from django.core.wsgi import get_wsgi_application
WSGIServer.request_queue_size = 2048  # a thousand streams connect at once
run("127.0.0.1", int(sys.argv[1]), get_wsgi_application(), threading=True)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict[str, str]) -> str:
    """Migrate the throwaway home and make the agent; returns the agent's API token."""
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from helpmesh.accounts import services as a\n"
        "from helpmesh.accounts.models import Role\n"
        "u = a.create_user('agent@example.com', 'pw', name='Agent', role=Role.ADMIN)\n"
        "print(a.issue_token(u))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


async def sse(client: httpx.AsyncClient, url: str, headers: dict, on_event) -> None:
    """Read a server-sent event stream, calling ``on_event(event, data)`` per frame."""
    async with client.stream("GET", url, headers=headers) as response:
        event, data = "", ""
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and event:
                on_event(event, json.loads(data))
                event, data = "", ""


async def run(args: argparse.Namespace, base: str, token: str) -> dict[str, list[float]]:
    limits = httpx.Limits(max_connections=args.chats + 200, max_keepalive_connections=200)
    client = httpx.AsyncClient(base_url=base, limits=limits, timeout=120)
    agent_headers = {"Authorization": f"Bearer {token}"}
    sent: dict[str, float] = {}  # marker -> visitor POST start
    seen_by_agent: dict[str, float] = {}
    reply_sent: dict[str, float] = {}
    arrived: dict[str, float] = {}
    ticket_of: dict[int, int] = {}
    replies: set[asyncio.Task] = set()

    async def answer(ticket_id: int, marker: str) -> None:
        reply_sent[marker] = time.perf_counter()
        await client.post(
            f"/api/v1/tickets/{ticket_id}/messages",
            json={"body": f"pong {marker}"},
            headers=agent_headers,
        )

    def on_inbox(event: str, data: dict) -> None:
        body = data.get("body", "")
        if event == "message" and body.startswith("ping "):
            marker = body[5:]
            seen_by_agent[marker] = time.perf_counter()
            task = asyncio.create_task(answer(data["ticket_id"], marker))
            replies.add(task)
            task.add_done_callback(replies.discard)

    def on_visitor(event: str, data: dict) -> None:
        body = data.get("body", "")
        if event == "message" and data.get("author") == "agent" and body.startswith("pong "):
            arrived.setdefault(body[5:], time.perf_counter())

    gate = asyncio.Semaphore(16)

    async def open_chat(n: int) -> tuple[int, str]:
        async with gate:
            started = await client.post("/api/v1/chat/sessions", json={"name": f"Visitor {n}"})
            session = started.json()
            headers = {"X-Visitor-Token": session["visitor_token"]}
            first = await client.post(
                f"/api/v1/chat/sessions/{session['id']}/messages",
                json={"body": f"Hello, I am visitor {n}"},
                headers=headers,
            )
            ticket_of[session["id"]] = first.json()["id"]
            return session["id"], session["visitor_token"]

    print(f"opening {args.chats} chats ...", flush=True)
    t = time.perf_counter()
    chats = await asyncio.gather(*(open_chat(n) for n in range(args.chats)))
    print(f"  {time.perf_counter() - t:.1f} s", flush=True)
    streams = [
        asyncio.create_task(
            sse(client, f"/api/v1/chat/sessions/{sid}/events?token={tok}", {}, on_visitor)
        )
        for sid, tok in chats
    ]
    streams.append(
        asyncio.create_task(sse(client, "/api/v1/chat/inbox/events", agent_headers, on_inbox))
    )
    await asyncio.sleep(max(5.0, args.chats / 100))  # every stream connected and replayed
    print(f"{args.chats} streams open; sending {args.messages} messages at {args.rate}/s")

    rng = random.Random(1)
    posts: list[asyncio.Task] = []

    async def visitor_says(sid: int, tok: str, marker: str) -> None:
        sent[marker] = time.perf_counter()
        await client.post(
            f"/api/v1/chat/sessions/{sid}/messages",
            json={"body": f"ping {marker}"},
            headers={"X-Visitor-Token": tok},
        )

    for k in range(args.messages):
        sid, tok = rng.choice(chats)
        posts.append(asyncio.create_task(visitor_says(sid, tok, str(k))))
        await asyncio.sleep(1 / args.rate)
    await asyncio.gather(*posts)
    deadline = time.perf_counter() + 30
    while len(arrived) < len(sent) and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
    for task in streams:
        task.cancel()
    await asyncio.gather(*streams, return_exceptions=True)
    await client.aclose()
    to_agent = [(seen_by_agent[m] - sent[m]) * 1000 for m in sent if m in seen_by_agent]
    back = [(arrived[m] - reply_sent[m]) * 1000 for m in arrived if m in reply_sent]
    round_trip = [(arrived[m] - sent[m]) * 1000 for m in arrived]
    return {
        "to_agent": to_agent,
        "back": back,
        "round_trip": round_trip,
        "lost": [len(sent) - len(arrived)],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--pubsub", choices=["memory", "redis"], default="memory")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    env = {
        **os.environ,
        "HELPMESH_HOME": tempfile.mkdtemp(prefix="helpmesh-bench-chat-"),
        "DJANGO_SETTINGS_MODULE": "helpmesh.settings",
        "HELPMESH_CHAT_PUBSUB": args.pubsub,
        "HELPMESH_SEARCH_SEMANTIC": "off",
        "HELPMESH_TASKS_IMMEDIATE": "1",  # the reply sender runs in the request, as measured
    }
    if args.database_url:
        env["HELPMESH_DATABASE_URL"] = args.database_url
    token = prepare(env)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        result = asyncio.run(run(args, base, token))
    finally:
        server.terminate()
        server.wait(10)
    db = "postgresql" if args.database_url else "sqlite"
    print(
        f"{args.chats} open chats, {args.messages} messages at {args.rate}/s, {db}, {args.pubsub}"
    )
    for key, label in (
        ("to_agent", "visitor -> agent"),
        ("back", "agent -> visitor"),
        ("round_trip", "round trip"),
    ):
        values = result[key]
        print(
            f"  {label:17} p50 {statistics.median(values):7.1f} ms  p99 {pct(values, 0.99):7.1f} ms"
            f"  ({len(values)} delivered)"
        )
    print(f"  lost: {result['lost'][0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
