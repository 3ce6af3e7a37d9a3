"""Where a bench's time goes: coroutine functions wrapped, by module attribute, to sum their wall time.

    with StepClock([("services.ledger.indicator_projection.fold", "apply", "fold")]) as clock:
        ...
    clock.seconds["fold"]

A step is (module, attribute — dotted for a class's method — and label); steps sharing a label add
up. The wrappers are put back on exit. Wall time, not CPU: a step waiting on the database while the
event loop runs other work counts that time too.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Sequence
from typing import Any


class StepClock:
    def __init__(self, steps: Sequence[tuple[str, str, str]]) -> None:
        self.steps = list(steps)
        self.seconds: dict[str, float] = dict.fromkeys((label for _, _, label in self.steps), 0.0)
        self._saved: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> StepClock:
        for module_name, attr, label in self.steps:
            owner: Any = importlib.import_module(module_name)
            *path, name = attr.split(".")
            for part in path:
                owner = getattr(owner, part)
            original = getattr(owner, name)

            async def timed(*a: Any, _original: Any = original, _label: str = label, **kw: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return await _original(*a, **kw)
                finally:
                    self.seconds[_label] += time.perf_counter() - t0

            self._saved.append((owner, name, original))
            setattr(owner, name, timed)
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved.clear()
