"""Benchmark: messages/s parsed and stored by the email channel from a generated Maildir.

    .venv/bin/python bench/email_ingest.py --messages 5000

Generates a Maildir with a realistic mix (plain text, text+HTML alternatives, HTML only,
attachments, replies that thread, iso-8859-1 / koi8-r / shift_jis / gb2312 bodies), then runs
``helpmesh.channels.email.services.ingest_batches`` over it (what ``helpmesh mail ingest MAILDIR``
and the IMAP poller do: 50 messages per transaction) on one core with SQLite (a fresh
HELPMESH_HOME) and prints the rate; ``--single`` calls ``services.ingest`` once per message
(one transaction each, the webhook and MTA-pipe path) instead. Acknowledgement mail is switched
off: this measures intake. Run pinned to one core:

    taskset -c 0 .venv/bin/python bench/email_ingest.py --messages 5000
"""

from __future__ import annotations

import argparse
import mailbox
import os
import random
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

CHARSETS = [
    ("iso-8859-1", "Grüße aus München, die Bestellung für März fehlt."),
    ("koi8-r", "Здравствуйте, не работает вход в личный кабинет."),
    ("shift_jis", "お世話になっております。パスワードを忘れました。"),
    ("gb2312", "你好\uff0c我的订单还没有到。"),
]
QUOTE = "\n\nOn Mon, 4 Mar 2024 at 16:02, Support <support@bench.test> wrote:\n" + "> earlier\n" * 8


def make_message(index: int, rng: random.Random) -> bytes:
    """One message of the mix; every fifth one answers an earlier message."""
    message = EmailMessage()
    customer = f"customer{rng.randrange(1500)}@example.com"
    message["From"] = f"Customer {index} <{customer}>"
    message["To"] = "support@bench.test"
    message["Subject"] = f"Order problem {index}"
    message["Date"] = "Tue, 12 Mar 2024 10:00:00 +0000"
    message["Message-ID"] = f"<bench-{index}@example.com>"
    if index % 5 == 4 and index > 10:
        message["In-Reply-To"] = f"<bench-{index - 5}@example.com>"
        message.replace_header("Subject", f"Re: Order problem {index - 5}")
    kind = index % 10
    text = f"Hello,\n\nmy order {index} has a problem.\n\nThanks\n-- \nCustomer {index}" + QUOTE
    if kind in (0, 1, 2, 3):
        message.set_content(text)
    elif kind in (4, 5):
        message.set_content(text)
        message.add_alternative(
            f"<p>Hello,</p><p>my order <b>{index}</b>.</p><blockquote>x</blockquote>",
            subtype="html",
        )
    elif kind == 6:
        message.set_content(f"<div>Only HTML {index}</div><script>x()</script>", subtype="html")
    elif kind == 7:
        message.set_content(text)
        message.add_attachment(
            rng.randbytes(20_000),
            maintype="application",
            subtype="pdf",
            filename=f"invoice-{index}.pdf",
        )
    else:
        charset, body = CHARSETS[index % len(CHARSETS)]
        message.set_content(body.encode(charset), maintype="text", subtype="plain", cte="base64")
        message.replace_header("Content-Type", f'text/plain; charset="{charset}"')
    return message.as_bytes()


def generate(path: Path, count: int) -> Path:
    """Write ``count`` messages into a new Maildir at ``path``."""
    box = mailbox.Maildir(str(path), create=True)
    rng = random.Random(42)
    for index in range(count):
        box.add(make_message(index, rng))
    return path


def run(count: int, workdir: Path, *, single: bool = False) -> float:
    os.environ["HELPMESH_HOME"] = str(workdir / "home")
    os.environ["HELPMESH_TASKS_IMMEDIATE"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpmesh.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from helpmesh.channels.email import mailboxes, services, sources

    (workdir / "home").mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    box = mailboxes.create_mailbox(
        {"name": "bench", "address": "support@bench.test", "send_acknowledgement": False}
    )
    maildir = generate(workdir / "Maildir", count)
    raws = [raw for _, raw in sources.read(str(maildir))]
    outcomes: dict[str, int] = {}
    started, cpu_started = time.perf_counter(), time.process_time()
    if single:
        for raw in raws:
            result = services.ingest(raw, mailbox=box)
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    else:
        for batch in services.ingest_batches(enumerate(raws), mailbox=box):
            for _, result in batch:
                outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    rate = len(raws) / elapsed
    mode = "one transaction per message" if single else f"batches of {services.BATCH_SIZE}"
    print(f"{len(raws)} messages in {elapsed:.1f} s: {rate:.0f} messages/s ({mode})  {outcomes}")
    # On a shared machine the wall-clock rate includes time other processes held the core.
    print(f"(CPU time {cpu:.1f} s: {len(raws) / cpu:.0f} messages per CPU second)")
    print(f"(parse alone: {_parse_rate(raws):.0f} messages/s)")
    return rate


def _parse_rate(raws: list[bytes]) -> float:
    from helpmesh.channels.email.parser import parse

    started = time.perf_counter()
    for raw in raws:
        parse(raw)
    return len(raws) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument(
        "--single", action="store_true", help="one services.ingest call (transaction) per message"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="helpmesh-bench-email-") as workdir:
        rate = run(args.messages, Path(workdir), single=args.single)
    return 0 if rate >= 200 else 1


if __name__ == "__main__":
    sys.exit(main())
