"""``fupin audit``: verify the log's hash chains, export it as NDJSON, replay it and compare projections."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime
from typing import Any


def _when(value: str) -> datetime:
    from datetime import UTC

    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def cmd_verify(args: argparse.Namespace) -> int:
    from services.ledger import audit
    from shared.settings import get_settings

    if args.from_file:
        with open(args.from_file, encoding="utf-8") as fh:
            result = audit.verify_envelopes(audit.read_ndjson(fh), filtered=args.filtered)
    else:
        result = asyncio.run(audit.verify_log(get_settings(), args.log, args.source or audit.SOURCES))
    print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2) if args.json else result.report())
    return 0 if result.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    from services.ledger import audit
    from shared.settings import get_settings

    flt = audit.ExportFilter(
        sources=tuple(args.source or ()),
        types=tuple(args.type or ()),
        since=_when(args.since) if args.since else None,
        until=_when(args.until) if args.until else None,
        household=args.household,
    )
    log = asyncio.run(audit.read_log(get_settings(), args.log, flt.sources or audit.SOURCES))
    out: Any = open(args.output, "wb") if args.output else sys.stdout.buffer
    count = 0
    try:
        for line in audit.export_lines(log, flt):
            out.write(line)
            count += 1
    finally:
        if args.output:
            out.close()
    note = "" if flt.complete else " (filtered: verify it with --filtered)"
    print(f"exported {count} events{note}", file=sys.stderr)
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from services.ledger import audit
    from shared.settings import get_settings

    settings = get_settings()
    if not args.compare:
        print("fupin audit replay: only --compare is supported (replay into a scratch database and compare)", file=sys.stderr)
        return 2
    log = None
    if args.from_file:
        with open(args.from_file, encoding="utf-8") as fh:
            envs = audit.read_ndjson(fh)
        log = {}
        for env in envs:
            log.setdefault(str(env["source"]).rsplit("/", 1)[-1], []).append(env)
    result = asyncio.run(audit.replay_compare(settings, args.log, progress=not args.no_progress, log=log))
    print(result.report())
    return 0 if result.ok else 1


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("audit", help="audit the event log: verify, export, replay --compare")
    sub = p.add_subparsers(dest="audit_command", required=True)
    logs = ("auto", "outbox", "kafka")

    v = sub.add_parser("verify", help="check every source's sequence and hash chain; non-zero exit on a break")
    v.add_argument("--from-file", help="an NDJSON file written by `fupin audit export` instead of the live log")
    v.add_argument("--filtered", action="store_true", help="the file is a filtered export: check each event's own hash only")
    v.add_argument("--log", choices=logs, default="auto", help="outbox tables or Kafka topics (auto: by FUPIN_MODE)")
    v.add_argument("--source", action="append", help="only this source (repeatable)")
    v.add_argument("--json", action="store_true", help="machine-readable result")
    v.set_defaults(func=cmd_verify)

    e = sub.add_parser("export", help="write the log as NDJSON of CloudEvents envelopes")
    e.add_argument("--source", action="append", help="funds, households, market, training (repeatable)")
    e.add_argument("--type", action="append", help="event type or prefix, e.g. fupin.funds.allocation_recorded (repeatable)")
    e.add_argument("--since", help="ISO time, inclusive")
    e.add_argument("--until", help="ISO time, exclusive")
    e.add_argument("--household", help="household id")
    e.add_argument("-o", "--output", help="file (default stdout)")
    e.add_argument("--log", choices=logs, default="auto")
    e.set_defaults(func=cmd_export)

    r = sub.add_parser("replay", help="rebuild every ledger projection from the first event and compare with the live one")
    r.add_argument("--compare", action="store_true", help="compare table by table; non-zero exit on any difference")
    r.add_argument("--from-file", help="replay an NDJSON export instead of the live log")
    r.add_argument("--log", choices=logs, default="auto")
    r.add_argument("--no-progress", action="store_true")
    r.set_defaults(func=cmd_replay)
