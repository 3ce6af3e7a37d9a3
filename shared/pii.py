"""Personal data: citizen identity numbers (GB 11643) and phone numbers.

Stored as a keyed hash (for uniqueness and lookup) plus AES-GCM ciphertext; shown masked to every
role that does not need the full number; never put in events, logs or exports.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import date
from typing import Annotated

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import AfterValidator

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def citizen_id_check_char(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def citizen_id_problem(value: str) -> str | None:
    """Why ``value`` is not a valid resident identity number, or None when it is."""
    if len(value) != 18:
        return "must be 18 characters"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] in "Xx"):
        return "must be 17 digits followed by a digit or X"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "contains an impossible birth date"
    if citizen_id_check_char(value[:17]) != value[17].upper():
        return "check character does not match (GB 11643)"
    return None


def _validate_citizen_id(value: str) -> str:
    value = value.strip().upper()
    problem = citizen_id_problem(value)
    if problem:
        raise ValueError(f"invalid citizen identity number: {problem}")
    return value


CitizenId = Annotated[str, AfterValidator(_validate_citizen_id)]


def _validate_phone(value: str) -> str:
    value = value.strip().replace(" ", "").replace("-", "")
    if not (value.isdigit() and 7 <= len(value) <= 13):
        raise ValueError("invalid phone number")
    return value


PhoneNumber = Annotated[str, AfterValidator(_validate_phone)]


def mask_citizen_id(value: str) -> str:
    return f"{value[:6]}{'*' * 8}{value[-4:]}"


def mask_phone(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_name(value: str) -> str:
    """A name as villages post it on a notice (公示): 林建国 → 林*国, 林国 → 林*, 欧阳建国 → 欧**国."""
    value = value.strip()
    if len(value) <= 1:
        return value or "*"
    if len(value) == 2:
        return f"{value[0]}*"
    return f"{value[0]}{'*' * (len(value) - 2)}{value[-1]}"


class PiiVault:
    """Encrypts personal fields and derives their lookup hashes from one configured key."""

    def __init__(self, key: str) -> None:
        root = hashlib.sha256(key.encode()).digest()
        self._enc = AESGCM(hmac.new(root, b"fupin-pii-encrypt", hashlib.sha256).digest())
        self._mac = hmac.new(root, b"fupin-pii-lookup", hashlib.sha256).digest()
        self._digest = hmac.new(root, b"fupin-request-digest", hashlib.sha256).digest()

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._mac, value.encode(), hashlib.sha256).hexdigest()

    def encrypt(self, value: str) -> str:
        nonce = os.urandom(12)
        return base64.b64encode(nonce + self._enc.encrypt(nonce, value.encode(), None)).decode()

    def decrypt(self, token: str) -> str:
        raw = base64.b64decode(token)
        return self._enc.decrypt(raw[:12], raw[12:], None).decode()

    def digest(self, data: bytes) -> str:
        """A keyed digest (HMAC-SHA256, hex) of data that may hold personal fields: comparable, not reversible by guessing."""
        return hmac.new(self._digest, data, hashlib.sha256).hexdigest()

    def seal(self, data: bytes, *, context: bytes) -> bytes:
        """AES-GCM ciphertext of ``data``, bound to ``context`` (it opens only with the same one)."""
        nonce = os.urandom(12)
        return nonce + self._enc.encrypt(nonce, data, context)

    def unseal(self, sealed: bytes, *, context: bytes) -> bytes:
        """The data ``seal`` was given; raises ``cryptography.exceptions.InvalidTag`` when it was not sealed so."""
        return self._enc.decrypt(sealed[:12], sealed[12:], context)


def make_citizen_id(region: str, birth: date, serial: int) -> str:
    """A well-formed identity number (for demo data and tests): region, birth date, 3-digit serial, check."""
    first17 = f"{region[:6]}{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + citizen_id_check_char(first17)
