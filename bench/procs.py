"""Resident memory of the processes a bench runs on (issue 19 item 4): its own, its servers', PostgreSQL's, Kafka's.

Read from ``/proc`` at the end of a bench, after its reads, so the peaks are the bench's:

- the bench process itself: its peak resident set (``getrusage`` ``ru_maxrss``) — with an in-process
  app (``bench/indicators.py``) that is the service and the bench together;
- each server process it started: ``VmHWM`` (peak) and ``VmRSS`` (now) from ``/proc/PID/status``;
- PostgreSQL: the sum of ``Pss`` over its processes (``/proc/PID/smaps_rollup``; each process's share
  of the shared buffers counted once in all, not once per backend as RSS would);
- the Kafka broker: its ``VmRSS`` (a JVM: mostly its heap, ``-Xmx`` in ``deploy/kafka.sh``).

And the CPU a step of a bench used, on each side (``cpu_seconds``, ``postgres_cpu_seconds``): read before
and after, the difference says whether the client or the database was the busy one.

Linux only; a process that cannot be read (gone, or another user's without root) is left out.
``python bench/procs.py`` prints the table for the machine as it is.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

PROC = Path("/proc")


def _status_kib(pid: int, *keys: str) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in keys:
                out[name] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        return {}
    return out


def _cmdline(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _pids() -> list[int]:
    return [int(p.name) for p in PROC.iterdir() if p.name.isdigit()]


def _is_postgres(cmd: str) -> bool:
    return cmd.startswith("postgres") or "/postgres " in cmd or cmd.endswith("/postgres")


def own_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def process_mib(pid: int) -> tuple[float, float] | None:
    """(peak, now) resident MiB of ``pid``."""
    s = _status_kib(pid, "VmHWM", "VmRSS")
    return (s["VmHWM"] / 1024, s["VmRSS"] / 1024) if "VmHWM" in s and "VmRSS" in s else None


def postgres_mib() -> tuple[float, int] | None:
    """(proportional resident MiB, processes) of every PostgreSQL process on the machine."""
    total, n = 0, 0
    for pid in _pids():
        if not _is_postgres(_cmdline(pid)):
            continue
        try:
            for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    n += 1
                    break
        except (OSError, ValueError, IndexError):
            continue
    return (total / 1024, n) if n else None


def kafka_mib() -> float | None:
    for pid in _pids():
        if "kafka.Kafka" in _cmdline(pid):
            rss = _status_kib(pid, "VmRSS")
            return rss["VmRSS"] / 1024 if rss else None
    return None


def _cpu_ticks(pid: int) -> int:
    """User and system clock ticks of ``pid`` and of the children it has waited for (an exited backend, for a postmaster)."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0
    # After the command: state is field 3 of stat(5), so utime (14), stime (15), cutime (16), cstime (17) sit at 11-14.
    return sum(int(v) for v in fields[11:15])


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds the processes ``pids`` have used so far (each with its reaped children)."""
    return sum(_cpu_ticks(pid) for pid in pids) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU seconds PostgreSQL has used so far: its postmaster with every backend that has exited, and the live ones."""
    return cpu_seconds([pid for pid in _pids() if _is_postgres(_cmdline(pid))])


def lines(servers: dict[str, int] | None = None, *, own: str = "this bench process") -> list[tuple[str, str]]:
    """The resident-memory lines of a bench's table: its own peak, each of ``servers`` (name → pid), PostgreSQL, Kafka."""
    out = [(f"resident memory, {own} (peak)", f"{own_peak_mib():,.0f} MiB")]
    for name, pid in (servers or {}).items():
        got = process_mib(pid)
        if got:
            out.append((f"resident memory, {name} (peak / now)", f"{got[0]:,.0f} / {got[1]:,.0f} MiB"))
    pg = postgres_mib()
    if pg:
        out.append(("resident memory, PostgreSQL (sum of Pss)", f"{pg[0]:,.0f} MiB over {pg[1]} processes"))
    kafka = kafka_mib()
    if kafka is not None:
        out.append(("resident memory, Kafka broker (RSS)", f"{kafka:,.0f} MiB"))
    return out


if __name__ == "__main__":
    for name, value in lines(own="procs.py"):
        print(f"{name:<50} {value}")
