"""Structured JSON logs; identity numbers, phone numbers and tokens are redacted before anything is written."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
from datetime import UTC, datetime
from typing import Any

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

_CITIZEN_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-]+")

_STANDARD = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime", "taskName"}


def redact(text: str) -> str:
    text = _CITIZEN_ID.sub(lambda m: f"{m.group(1)}********{m.group(2)[-4:] if len(m.group(2)) >= 4 else m.group(2)}", text)
    text = _PHONE.sub(r"\1****\2", text)
    return _BEARER.sub(r"\1[redacted]", text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact_value(v) for v in value]
    return value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        trace_id = _current_trace_id()
        if trace_id:
            entry["trace_id"] = trace_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = _redact_value(value)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def _current_trace_id() -> str | None:
    try:
        from opentelemetry import trace
    except ImportError:  # pragma: no cover - the API is a pinned dependency
        return None
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None


class OncePerInterval(logging.Filter):
    """Lets a repeated message through once per ``interval`` seconds and says how many it held back.

    A lost broker makes aiokafka log every connection attempt; the operator needs to hear it once.
    Messages are told apart by logger and format string (``record.msg``), not by their arguments.
    """

    def __init__(self, interval: float = 30.0, prefix: str = "") -> None:
        super().__init__()
        self.interval = interval
        self.prefix = prefix
        self._last: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self.prefix):
            return True
        key = (record.name, str(record.msg))
        now = time.monotonic()
        seen = self._last.get(key)
        if seen is not None and now - seen[0] < self.interval:
            self._last[key] = (seen[0], seen[1] + 1)
            return False
        if seen is not None and seen[1]:
            record.suppressed = seen[1]  # held back since the last line like this one
        self._last[key] = (now, 0)
        if len(self._last) > 1000:
            self._last.clear()
        return True


def configure_logging(level: str = "INFO", stream: Any = None) -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    # aiokafka logs each failed connection attempt at ERROR; our bus reports a lost broker itself,
    # once per interval (shared/bus.py), so each of aiokafka's own lines passes once a minute.
    handler.addFilter(OncePerInterval(60.0, prefix="aiokafka"))
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    # The access log repeats what our request log says, with less care for personal data.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
