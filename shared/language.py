"""Which language to answer in: ``Accept-Language`` with its q-values (RFC 9110 §12.5.4), Chinese by default."""

from __future__ import annotations

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
# The tag a response names in ``Content-Language``.
CONTENT_LANGUAGE = {"zh": "zh-CN", "en": "en"}


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def negotiate_language(header: str | None) -> str:
    """``"zh"`` or ``"en"``: the supported language the caller ranks highest; ties go to the one listed first.

    ``en;q=0.9, zh-CN;q=0.8`` is English; ``en;q=0.1, zh-CN;q=0.8`` Chinese; ``en;q=0`` refuses English;
    ``*`` (or nothing we speak) is Chinese.
    """
    best: tuple[float, int, str] | None = None
    for index, part in enumerate((header or "")[:1000].split(",")):
        tag, *params = part.split(";")
        tag = tag.strip().lower()
        q = _quality(params)
        if q <= 0:
            continue
        primary = tag.split("-", 1)[0]
        language = DEFAULT_LANGUAGE if primary == "*" else primary
        if language not in LANGUAGES:
            continue
        candidate = (-q, index, language)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else DEFAULT_LANGUAGE
