"""Time-ordered identifiers (UUIDv7), so that keyset paging by id follows creation order."""

from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()
_last = 0


def new_id() -> str:
    global _last
    with _lock:
        ms = time.time_ns() // 1_000_000
        # Keep ids strictly increasing within a process even when the clock stalls.
        stamp = max(ms << 12, _last + 1)
        _last = stamp
    ms, seq = stamp >> 12, stamp & 0xFFF
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (seq << 64) | (0b10 << 62) | rand
    h = f"{value:032x}"  # what str(uuid.UUID(int=value)) gives, without building the object
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
