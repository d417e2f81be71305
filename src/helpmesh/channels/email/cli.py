"""``helpmesh mail ...``: parse, ingest, quarantine and poll from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_mail_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``helpmesh mail`` and its subcommands on the top-level parser."""
    mail = sub.add_parser("mail", help="the email channel: parse, ingest, quarantine, poll")
    mail_sub = mail.add_subparsers(dest="mail_command", required=True)
    parse = mail_sub.add_parser("parse", help="parse .eml files and print what was read")
    parse.add_argument("--json", action="store_true", help="one JSON object per line per file")
    parse.add_argument("files", nargs="+", metavar="FILE")
    parse.set_defaults(func=cmd_parse)
    from helpmesh.channels.email import cli_ops

    cli_ops.add_commands(mail_sub)


def cmd_parse(args: argparse.Namespace) -> int:
    """Print one line per file, in the order given; non-zero only if a file cannot be read."""
    from helpmesh.channels.email.parser import parse

    status = 0
    for name in args.files:
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            status = 1
            _emit({"file": name, "errors": [f"cannot read: {exc.strerror or exc}"]}, args.json)
            continue
        _emit({"file": name, **parse(raw).as_json()}, args.json)
    return status


def _emit(data: dict, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(f"{data['file']}: {data.get('subject', '')!r} {data.get('errors')}\n")
    sys.stdout.flush()
