"""Period labels a distribution or a payment is for (``2018``, ``2018-H1``, ``2018-Q3``, ``2018-06``), read once.

Pure. Funds checks a label when a distribution is proposed; the ledger reads a fact's label back
into the days it covers, so a distribution counts in the year its profit was made.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

PERIOD_LABEL_PATTERN = r"^\d{4}(-(H[12]|Q[1-4]|\d{2}))?$"
_LABEL = re.compile(PERIOD_LABEL_PATTERN)


def period_range(label: str) -> tuple[date, date]:
    """``2018`` → the year, ``2018-H1`` → Jan–Jun, ``2018-Q3`` → Jul–Sep, ``2018-06`` → June (first and last day)."""
    if not _LABEL.match(label):
        raise ValueError(f"period {label!r} is not YYYY, YYYY-H1/H2, YYYY-Q1…Q4 or YYYY-MM")
    year, _, part = label.partition("-")
    y = int(year)
    if y < 1:
        raise ValueError(f"period {label!r} has no year")
    if not part:
        first, last = 1, 12
    elif part[0] == "H":
        first = 1 if part == "H1" else 7
        last = first + 5
    elif part[0] == "Q":
        first = 3 * (int(part[1]) - 1) + 1
        last = first + 2
    else:
        first = last = int(part)
        if not 1 <= first <= 12:
            raise ValueError(f"period {label!r}: month {part} does not exist")
    return date(y, first, 1), date(y, last, calendar.monthrange(y, last)[1])


def period_label(start: date, end: date) -> str:
    """The shortest label of a range: ``2018``, ``2018-H1``, ``2018-Q3``, ``2018-06``, else ``start~end``."""
    y = start.year
    candidates = [str(y), f"{y}-H1", f"{y}-H2", *(f"{y}-Q{q}" for q in range(1, 5)), *(f"{y}-{m:02d}" for m in range(1, 13))]
    for label in candidates:
        if period_range(label) == (start, end):
            return label
    return f"{start.isoformat()}~{end.isoformat()}"
