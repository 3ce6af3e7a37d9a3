"""``fupin audit``: verify the log's hash chains, export it as NDJSON, replay it and compare projections;
sign checkpoints of the Merkle trees, give inclusion and consistency proofs, witness checkpoints."""

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

    kept = []
    if args.checkpoint:
        from services.ledger.witness import load_verifier
        from shared.checkpoint import CheckpointError, open_checkpoint

        if not args.key:
            print("fupin audit verify: --checkpoint needs --key (the verifier key)", file=sys.stderr)
            return 2
        try:
            verifier = load_verifier(args.key)
            for path in args.checkpoint:
                with open(path, encoding="utf-8") as fh:
                    kept.append(open_checkpoint(fh.read(), verifier))
        except (CheckpointError, OSError) as exc:
            print(f"fupin audit verify: a kept checkpoint: {exc}", file=sys.stderr)
            return 1
    if args.from_file:
        with open(args.from_file, encoding="utf-8") as fh:
            envelopes = audit.read_ndjson(fh)
        result = audit.verify_envelopes(envelopes, filtered=args.filtered)
    else:
        settings = get_settings()
        sources = args.source or audit.SOURCES
        log = asyncio.run(audit.read_log(settings, args.log, sources))
        envelopes = [env for s in sources for env in log[s]]
        result = audit.verify_envelopes(envelopes)
        for s in sources:
            result.counts.setdefault(f"/fupin/{s}", 0)
    for checkpoint in kept:
        broken = audit.check_checkpoint(envelopes, checkpoint)
        if broken is not None:
            result.breaks.append(broken)
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
    log: dict[str, list[dict[str, Any]]] | None = None
    if args.from_file:
        with open(args.from_file, encoding="utf-8") as fh:
            envs = audit.read_ndjson(fh)
        log = {}
        for env in envs:
            source = str(env["source"]).rsplit("/", 1)[-1]
            if source in audit.PROJECTED:  # an export holds oversight's log too; the ledger projects none of it
                log.setdefault(source, []).append(env)
    result = asyncio.run(audit.replay_compare(settings, args.log, progress=not args.no_progress, log=log))
    print(result.report())
    return 0 if result.ok else 1


def _write(text: str, output: str | None) -> None:
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


def cmd_checkpoint(args: argparse.Namespace) -> int:
    """Sign a checkpoint of every grown tree (unless --no-sign), then print or save the latest of each."""
    from pathlib import Path

    from services.ledger import proofs
    from shared.checkpoint import CheckpointError
    from shared.settings import get_settings

    sources = tuple(args.source or proofs.SOURCES)

    async def run() -> dict[str, str | None]:
        async with proofs.open_trees(get_settings()) as trees:
            if not args.no_sign:
                await proofs.sign_checkpoints(trees, sources)
            return {s: (row.note if (row := await proofs.latest(trees, s)) else None) for s in sources}

    try:
        notes = asyncio.run(run())
    except CheckpointError as exc:
        print(f"fupin audit checkpoint: {exc}", file=sys.stderr)
        return 2
    if args.output_dir:
        out = Path(args.output_dir)
        out.mkdir(parents=True, exist_ok=True)
        for source, note in notes.items():
            if note:
                (out / f"{source}.checkpoint").write_text(note, encoding="utf-8")
                print(f"{out / f'{source}.checkpoint'}", file=sys.stderr)
        return 0
    for i, (source, note) in enumerate(notes.items()):
        if len(notes) > 1:
            print(("\n" if i else "") + f"# {source}")
        sys.stdout.write(note or "(no checkpoint yet)\n")
    return 0


def cmd_proof(args: argparse.Namespace) -> int:
    from services.ledger import proofs
    from shared.problems import Problem
    from shared.settings import get_settings

    async def run() -> dict[str, Any]:
        async with proofs.open_trees(get_settings()) as trees:
            if args.proof_kind == "inclusion":
                return await proofs.inclusion(trees, args.event_id, args.tree_size)
            return await proofs.consistency(trees, args.source, args.first, args.second)

    try:
        proof = asyncio.run(run())
    except Problem as exc:
        print(f"fupin audit proof: {exc.detail_en or exc.detail}", file=sys.stderr)
        return 1
    _write(json.dumps(proof, ensure_ascii=False, indent=2) + "\n", args.output)
    return 0


def cmd_witness(args: argparse.Namespace) -> int:
    """Keep checkpoints that extend the last kept one; refuse (exit 1) any other."""
    from pathlib import Path

    from services.ledger import proofs, witness
    from shared.checkpoint import Checkpoint, CheckpointError
    from shared.settings import get_settings

    try:
        verifier = witness.load_verifier(args.key)
    except (CheckpointError, OSError) as exc:
        print(f"fupin audit witness: the key: {exc}", file=sys.stderr)
        return 2
    store = Path(args.store)
    offered: list[tuple[str, dict[str, Any] | None]] = []
    if args.checkpoint:
        note = Path(args.checkpoint).read_text(encoding="utf-8")
        proof = json.loads(Path(args.proof).read_text(encoding="utf-8")) if args.proof else None
        offered.append((note, proof))
    else:
        # Next to the platform: the latest checkpoints it signed, each with its proof from the kept one.
        async def from_platform() -> None:
            async with proofs.open_trees(get_settings()) as trees:
                for source in args.source or proofs.SOURCES:
                    row = await proofs.latest(trees, source)
                    if row is None:
                        continue
                    origin = Checkpoint.parse_text(row.note.rpartition("\n\n")[0] + "\n").origin
                    kept = witness.last_kept(store, origin)
                    proof = None
                    if kept is not None and 0 < kept.checkpoint.size < row.tree_size:
                        proof = await proofs.consistency(trees, source, kept.checkpoint.size, row.tree_size)
                    offered.append((row.note, proof))

        asyncio.run(from_platform())
    refused = 0
    for note, proof in offered:
        try:
            new, kept = witness.witness(store, verifier, note, proof)
        except witness.Refused as exc:
            print(f"REFUSED: {exc}")
            refused += 1
            continue
        since = f" (extends the kept size {kept.checkpoint.size})" if kept else " (the first kept for this log)"
        print(f"KEPT: {new.origin} at size {new.size}{since}")
    return 1 if refused else 0


def cmd_keygen(args: argparse.Namespace) -> int:
    from shared.checkpoint import Signer

    signer = Signer.generate(args.name)
    print(f"FUPIN_CHECKPOINT_KEY={signer.encode()}")
    print(f"# verifier key, for auditors and fupin-verify: {signer.verifier().encode()}")
    return 0


def cmd_public_key(args: argparse.Namespace) -> int:
    from shared.checkpoint import CheckpointError, signer_from_settings
    from shared.settings import get_settings

    try:
        print(signer_from_settings(get_settings()).verifier().encode())
    except CheckpointError as exc:
        print(f"fupin audit public-key: {exc}", file=sys.stderr)
        return 2
    return 0


# The log's source names (services.ledger.audit.SOURCES, not imported here to keep `fupin --help` light):
# a source names a database, so nothing but these five ever reaches a path.
SOURCE_NAMES = ("funds", "households", "market", "training", "oversight")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("audit", help="audit the event log: verify, export, replay --compare, checkpoint, proof, witness")
    sub = p.add_subparsers(dest="audit_command", required=True)
    logs = ("auto", "outbox", "kafka")

    v = sub.add_parser("verify", help="check every source's sequence and hash chain; non-zero exit on a break")
    v.add_argument("--from-file", help="an NDJSON file written by `fupin audit export` instead of the live log")
    v.add_argument("--filtered", action="store_true", help="the file is a filtered export: check each event's own hash only")
    v.add_argument("--log", choices=logs, default="auto", help="outbox tables or Kafka topics (auto: by FUPIN_MODE)")
    v.add_argument("--source", action="append", choices=SOURCE_NAMES, help="only this source (repeatable)")
    v.add_argument("--json", action="store_true", help="machine-readable result")
    v.add_argument("--checkpoint", action="append", help="a kept checkpoint: its source's log must hash to its root too (repeatable)")
    v.add_argument("--key", help="the verifier key of the kept checkpoints (or a file holding it)")
    v.set_defaults(func=cmd_verify)

    e = sub.add_parser("export", help="write the log as NDJSON of CloudEvents envelopes")
    e.add_argument("--source", action="append", choices=SOURCE_NAMES, help="funds, households, market, training (repeatable)")
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

    c = sub.add_parser("checkpoint", help="sign a checkpoint of every grown Merkle tree and print the latest (signed notes)")
    c.add_argument("--source", action="append", choices=SOURCE_NAMES, help="only this source (repeatable)")
    c.add_argument("--no-sign", action="store_true", help="print the latest kept, sign nothing")
    c.add_argument("-o", "--output-dir", help="write <source>.checkpoint files here instead of printing")
    c.set_defaults(func=cmd_checkpoint)

    pr = sub.add_parser("proof", help="an inclusion or consistency proof, as JSON for fupin-verify")
    prs = pr.add_subparsers(dest="proof_kind", required=True)
    pi = prs.add_parser("inclusion", help="that an event is in a checkpoint (by its event id)")
    pi.add_argument("--event-id", required=True)
    pi.add_argument("--tree-size", type=int, help="default: the latest checkpoint of the event's source")
    pi.add_argument("-o", "--output", help="file (default stdout)")
    pi.set_defaults(func=cmd_proof)
    pc = prs.add_parser("consistency", help="that a source's log at --second extends its log at --first")
    pc.add_argument("--source", required=True, choices=SOURCE_NAMES)
    pc.add_argument("--first", type=int, required=True)
    pc.add_argument("--second", type=int, help="default: the latest checkpoint")
    pc.add_argument("-o", "--output", help="file (default stdout)")
    pc.set_defaults(func=cmd_proof)

    w = sub.add_parser("witness", help="keep checkpoints; refuse one not consistent with the last kept (exit 1)")
    w.add_argument("--store", required=True, help="the witness's directory of kept checkpoints")
    w.add_argument("--key", required=True, help="the platform's verifier key, or a file holding it")
    w.add_argument("--checkpoint", help="a checkpoint received (default: the platform's latest, read from its databases)")
    w.add_argument("--proof", help="the consistency proof from the last kept size (JSON from `fupin audit proof consistency`)")
    w.add_argument("--source", action="append", choices=SOURCE_NAMES, help="with no --checkpoint: only this source (repeatable)")
    w.set_defaults(func=cmd_witness)

    k = sub.add_parser("keygen", help="a new Ed25519 checkpoint signer key and its verifier key")
    k.add_argument("--name", default="fupin.shaoguan.gov.cn", help="the key name that signature lines carry")
    k.set_defaults(func=cmd_keygen)

    pk = sub.add_parser("public-key", help="the verifier key of the configured checkpoint signer")
    pk.set_defaults(func=cmd_public_key)
