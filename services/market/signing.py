"""Standard Webhooks signatures (https://www.standardwebhooks.com), pure: no I/O.

Signed content is ``"{webhook-id}.{webhook-timestamp}.{raw body}"``; the signature is
``v1,<base64 HMAC-SHA256>`` keyed with the base64-decoded part of a ``whsec_…`` secret. Several
space-separated signatures may be sent (a partner rotating its secret signs with both).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


class SignatureError(Exception):
    """Why a webhook is not authentic; the text goes to the partner, never a secret."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(os.urandom(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret (the prefix is optional, as in the reference libraries)."""
    raw = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("secret is not base64") from None


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def parse_timestamp(value: str | None) -> int:
    if not value or not value.isdigit() or len(value) > 12:
        raise SignatureError("webhook-timestamp missing or not integer seconds")
    return int(value)


def check_timestamp(timestamp: int, now: float, tolerance_seconds: int) -> None:
    if abs(now - timestamp) > tolerance_seconds:
        raise SignatureError(f"webhook-timestamp outside the ±{tolerance_seconds} s window")


def verify(keys: list[bytes], msg_id: str, timestamp: int, body: bytes, header: str | None) -> None:
    """Accept when any ``v1`` signature in the header matches any active key (constant-time comparisons)."""
    if not header:
        raise SignatureError("webhook-signature missing")
    offered = []
    for part in header.split():
        version, _, value = part.partition(",")
        if version == "v1" and value:
            offered.append(value.encode())
    if not offered:
        raise SignatureError("no v1 signature in webhook-signature")
    content = f"{msg_id}.{timestamp}.".encode() + body
    matched = False
    for key in keys:
        expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest())
        for candidate in offered:
            # No early exit: the time taken does not depend on which key or signature matched.
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise SignatureError("no signature matches an active secret")
