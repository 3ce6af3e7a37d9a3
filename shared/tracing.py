"""W3C Trace Context from the HTTP request to the event and on to its consumers (OpenTelemetry).

A request's ``traceparent`` header (or a new trace when it has none) becomes the server span;
the facts it emits carry that span as their CloudEvents ``traceparent`` extension (part of the
hashed envelope, like ``actor``), the relay copies it into the Kafka record's headers, and a
consumer logs the trace ids of what it applied. Log lines written inside a span carry its
``trace_id``. Spans are exported only when ``FUPIN_TRACE_EXPORTER=console`` (off by default: the
ids are there for following one payout through the logs, with no collector needed).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

from opentelemetry import context, trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_PROPAGATOR = TraceContextTextMapPropagator()
_configured = False


def configure_tracing(exporter: str = "none") -> None:
    """Install the SDK's tracer provider once per process (ids are made; spans exported only on request)."""
    global _configured
    if _configured:
        return
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider

    provider = TracerProvider(resource=Resource.create({"service.name": "fupin"}))
    if exporter == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)
    _configured = True


@cache
def _tracer() -> trace.Tracer:
    # Made once: the SDK builds a new tracer (and its instrumentation scope) on every call, a tenth
    # of a bare request's CPU. Made before configure_tracing it is a proxy that follows the provider.
    return trace.get_tracer("fupin")


@contextmanager
def request_span(name: str, headers: Sequence[tuple[bytes, bytes]], **attributes: Any) -> Iterator[trace.Span]:
    """The server span of one HTTP request, child of the caller's ``traceparent`` when it sent one."""
    carrier = {}
    for key, value in headers:
        if key in (b"traceparent", b"tracestate"):
            carrier[key.decode()] = value.decode("latin-1")
    parent = _PROPAGATOR.extract(carrier) if carrier else None
    with _tracer().start_as_current_span(name, context=parent, kind=trace.SpanKind.SERVER, attributes=attributes) as span:
        yield span


@contextmanager
def continued(traceparent: str | None, name: str, **attributes: Any) -> Iterator[None]:
    """A consumer span continuing an event's trace (a no-op without a ``traceparent``)."""
    if not traceparent:
        yield
        return
    parent = _PROPAGATOR.extract({"traceparent": traceparent})
    token = context.attach(parent)
    try:
        with _tracer().start_as_current_span(name, kind=trace.SpanKind.CONSUMER, attributes=attributes):
            yield
    finally:
        context.detach(token)


def current_traceparent() -> str | None:
    """The current span as a W3C ``traceparent`` value, or ``None`` outside any span."""
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None
    return f"00-{span_context.trace_id:032x}-{span_context.span_id:016x}-{int(span_context.trace_flags):02x}"


def trace_id_of(traceparent: str | None) -> str | None:
    """The trace id inside a ``traceparent`` value (what log lines carry as ``trace_id``)."""
    if not traceparent:
        return None
    parts = traceparent.split("-")
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else None
