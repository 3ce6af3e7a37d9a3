"""The schemathesis run's summary in pytest's closing lines, passing or not (see docs/testing.md)."""

from __future__ import annotations

from typing import Any

REPORTS: list[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if REPORTS:
        terminalreporter.section("schemathesis")
        for report in REPORTS:
            terminalreporter.write_line(report)
