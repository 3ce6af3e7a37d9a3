"""Signed checkpoints: the C2SP ``tlog-checkpoint`` body in a C2SP ``signed-note``, signed with Ed25519.

A checkpoint says "the log <origin> had <size> entries and this Merkle root"::

    fupin.shaoguan.gov.cn/funds
    1234
    <base64 of the 32-byte root hash>

    — <key name> <base64(key id || Ed25519 signature of the three lines above, newlines included)>

The key id is the first four bytes of SHA-256(key name || 0x0A || 0x01 || public key). Keys are
written as the Go ``sumdb/note`` tools write them: a verifier key
``<name>+<key id hex>+<base64(0x01 || public key)>`` and a signer key
``PRIVATE+KEY+<name>+<key id hex>+<base64(0x01 || seed)>``.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from shared.settings import PLACEHOLDER_PREFIX, FupinSettings

ED25519 = 0x01
EM_DASH = "\u2014"
DEV_KEY_NAME = "fupin.dev-insecure"


class CheckpointError(ValueError):
    """A note or key that does not parse, or a signature that does not verify."""


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public).digest()[:4]


def _check_name(name: str) -> str:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise CheckpointError(f"key name {name!r} must be non-empty, without spaces or '+'")
    return name


@dataclass(frozen=True)
class Signer:
    name: str
    private: Ed25519PrivateKey

    @property
    def public(self) -> bytes:
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public)

    def verifier(self) -> Verifier:
        return Verifier(self.name, self.public)

    def encode(self) -> str:
        seed = self.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{base64.b64encode(bytes([ED25519]) + seed).decode()}"

    def sign(self, text: str) -> str:
        """The signed note of ``text`` (which ends in a newline)."""
        if not text.endswith("\n") or "\n\n" in text:
            raise CheckpointError("a note's text ends in one newline and has no blank line")
        sig = self.private.sign(text.encode())
        return f"{text}\n{EM_DASH} {self.name} {base64.b64encode(self.key_id + sig).decode()}\n"

    @classmethod
    def generate(cls, name: str) -> Signer:
        return cls(_check_name(name), Ed25519PrivateKey.generate())

    @classmethod
    def parse(cls, encoded: str) -> Signer:
        parts = encoded.strip().split("+", 4)  # base64 may hold "+": split the first four only
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise CheckpointError("a signer key reads PRIVATE+KEY+<name>+<key id>+<base64 key>")
        name, kid, b64 = parts[2], parts[3], parts[4]
        try:
            raw = base64.b64decode(b64, validate=True)
        except ValueError as exc:
            raise CheckpointError("the signer key's last part is not base64") from exc
        if len(raw) != 33 or raw[0] != ED25519:
            raise CheckpointError("the signer key is not an Ed25519 key (0x01 || 32-byte seed)")
        signer = cls(_check_name(name), Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if signer.key_id.hex() != kid.lower():
            raise CheckpointError("the signer key's id does not match its name and key")
        return signer


@dataclass(frozen=True)
class Verifier:
    name: str
    public: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public)

    def encode(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(bytes([ED25519]) + self.public).decode()}"

    @classmethod
    def parse(cls, encoded: str) -> Verifier:
        parts = encoded.strip().split("+", 2)
        if len(parts) != 3:
            raise CheckpointError("a verifier key reads <name>+<key id>+<base64 key>")
        name, kid, b64 = parts
        try:
            raw = base64.b64decode(b64, validate=True)
        except ValueError as exc:
            raise CheckpointError("the verifier key's last part is not base64") from exc
        if len(raw) != 33 or raw[0] != ED25519:
            raise CheckpointError("the verifier key is not an Ed25519 key (0x01 || 32-byte key)")
        verifier = cls(_check_name(name), raw[1:])
        if verifier.key_id.hex() != kid.lower():
            raise CheckpointError("the verifier key's id does not match its name and key")
        return verifier

    def open(self, note: str) -> str:
        """The note's text if it carries a good signature by this key; ``CheckpointError`` otherwise."""
        text, sep, sigs = note.rpartition("\n\n")
        if not sep:
            raise CheckpointError("not a signed note: no blank line before the signatures")
        text += "\n"
        if any(ord(c) < 0x20 and c != "\n" for c in note):
            raise CheckpointError("a signed note has no control characters but newlines")
        found = False
        for line in sigs.split("\n"):
            if not line:
                continue
            prefix, _, rest = line.partition(" ")
            name, _, b64 = rest.partition(" ")
            if prefix != EM_DASH or not name or not b64:
                raise CheckpointError(f"malformed signature line {line!r}")
            if name != self.name:
                continue  # someone else's signature (a witness's cosignature): not ours to judge
            try:
                raw = base64.b64decode(b64, validate=True)
            except ValueError as exc:
                raise CheckpointError("a signature is not base64") from exc
            if len(raw) != 4 + 64 or raw[:4] != self.key_id:
                continue
            try:
                Ed25519PublicKey.from_public_bytes(self.public).verify(raw[4:], text.encode())
            except InvalidSignature as exc:
                raise CheckpointError(f"the signature of {self.name} does not verify: the note was altered or signed by another key") from exc
            found = True
        if not found:
            raise CheckpointError(f"the note carries no signature by {self.name} (key id {self.key_id.hex()})")
        return text


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse_text(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise CheckpointError("a checkpoint is an origin line, a size line and a root hash line")
        origin, size, root = lines[0], lines[1], lines[2]
        if not origin or not size.isdigit() or (size != "0" and size.startswith("0")):
            raise CheckpointError("a checkpoint's origin is not empty and its size is a decimal number")
        try:
            raw = base64.b64decode(root, validate=True)
        except ValueError as exc:
            raise CheckpointError("a checkpoint's root hash is not base64") from exc
        if len(raw) != 32:
            raise CheckpointError("a checkpoint's root hash has 32 bytes")
        return cls(origin, int(size), raw)


def open_checkpoint(note: str, verifier: Verifier) -> Checkpoint:
    return Checkpoint.parse_text(verifier.open(note))


def origin_of(settings: FupinSettings, source: str) -> str:
    return f"{settings.checkpoint_origin}/{source}"


def source_of_origin(settings: FupinSettings, origin: str) -> str | None:
    prefix = settings.checkpoint_origin + "/"
    return origin[len(prefix) :] if origin.startswith(prefix) else None


def signer_from_settings(settings: FupinSettings) -> Signer:
    """The checkpoint signer; the development placeholder is refused outside development."""
    key = settings.checkpoint_key
    if key.startswith(PLACEHOLDER_PREFIX):
        if settings.env != "development":
            raise CheckpointError(f"FUPIN_CHECKPOINT_KEY is a development placeholder and FUPIN_ENV is {settings.env}: set a signer key (`fupin audit keygen`)")
        seed = hashlib.sha256(key.encode()).digest()
        return Signer(DEV_KEY_NAME, Ed25519PrivateKey.from_private_bytes(seed))
    return Signer.parse(key)
