"""Audit of the event log: verify the hash chains, export the log, replay it and compare projections.

Two modules: ``log`` holds the generic tools over any source's log (read it where it lives, verify
its chains and checkpoints, export it); ``replay`` the ledger's own audit (replay the log into a
scratch database and compare the projections). ``from services.ledger import audit`` gives both.

The log is read where it lives: the services' ``outbox`` tables (embedded mode, or ``--log outbox``),
the Kafka topics (distributed mode: every partition from the beginning to the end offsets, sorted
per source by ``sequence``), or an NDJSON file of envelopes written by ``export``.
"""

from __future__ import annotations

from services.ledger.audit.log import (
    PROJECTED,
    SOURCES,
    ExportFilter,
    LogKind,
    Source,
    VerifyResult,
    check_checkpoint,
    export_lines,
    log_kind,
    read_log,
    read_ndjson,
    read_outbox,
    read_topic,
    topic_partitions,
    verify_envelopes,
    verify_log,
)
from services.ledger.audit.replay import (
    BULK_TABLES,
    IGNORED_COLUMNS,
    NOT_PROJECTIONS,
    Batch,
    CompareResult,
    TableDiff,
    Writer,
    batch_of,
    bulk_load,
    copy_batch,
    deferred,
    diff_tables,
    projection_tables,
    read_batch,
    replay_compare,
    replay_into,
    scratch_database,
    snapshot,
)

__all__ = [
    "BULK_TABLES",
    "Batch",
    "CompareResult",
    "ExportFilter",
    "IGNORED_COLUMNS",
    "LogKind",
    "NOT_PROJECTIONS",
    "PROJECTED",
    "SOURCES",
    "Source",
    "TableDiff",
    "VerifyResult",
    "Writer",
    "batch_of",
    "bulk_load",
    "check_checkpoint",
    "copy_batch",
    "deferred",
    "diff_tables",
    "export_lines",
    "log_kind",
    "projection_tables",
    "read_batch",
    "read_log",
    "read_ndjson",
    "read_outbox",
    "read_topic",
    "replay_compare",
    "replay_into",
    "scratch_database",
    "snapshot",
    "topic_partitions",
    "verify_envelopes",
    "verify_log",
]
