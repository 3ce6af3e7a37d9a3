"""Merkle tree hashing, proofs and their verification, after RFC 9162 §2.1 (Certificate Transparency 2.0).

A source's log is a Merkle tree whose leaves are its events in ``sequence`` order (leaf index =
sequence − 1); a leaf's data is the event's canonical bytes (RFC 8785, exactly the stored
``payload``, ``hash`` included). Hashing is SHA-256 with domain separation::

    leaf hash  = SHA-256(0x00 || leaf data)
    node hash  = SHA-256(0x01 || left || right)
    empty tree = SHA-256("")

The tree of size n is never rebuilt: appending keeps the *frontier* (the roots of the perfect
subtrees that the binary digits of n cut the leaves into, left to right, at most 64 hashes) and
records each perfect subtree completed on the way (``(level, index)`` → hash; level 0 are the
leaves). Every perfect subtree of every past size is among them, so the root of any size, and the
inclusion and consistency proofs of RFC 9162 §2.1.3–2.1.4, are read from O(log n) stored nodes.

Pure functions only; ``shared.tlog`` stores the nodes, ``verifier/fupin_verify.py`` re-implements
the verification independently for auditors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Node = tuple[int, int]  # (level, index): the perfect subtree of leaves [index·2^level, (index+1)·2^level)


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


# ---- the frontier: appending without a rebuild -----------------------------------------------------


def frontier_nodes(size: int) -> list[Node]:
    """The perfect subtrees whose roots make up the frontier of a tree of ``size`` leaves, left to right."""
    nodes = []
    start = 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            nodes.append((level, start >> level))
            start += 1 << level
    return nodes


def pack(frontier: Sequence[bytes]) -> bytes:
    return b"".join(frontier)


def unpack(blob: bytes | None) -> list[bytes]:
    blob = blob or b""
    return [bytes(blob[i : i + HASH_SIZE]) for i in range(0, len(blob), HASH_SIZE)]


def append_leaves(size: int, frontier: list[bytes], leaves: Iterable[bytes]) -> tuple[int, list[tuple[int, int, bytes]]]:
    """Append leaf hashes to a tree of ``size`` leaves whose frontier is ``frontier`` (updated in place).

    Returns the new size and every perfect subtree completed, as ``(level, index, hash)``: the
    leaves themselves, and one node more each time two equal subtrees meet (on average one per leaf).
    """
    if len(frontier) != bin(size).count("1"):
        raise ValueError(f"a frontier of {len(frontier)} hashes does not belong to a tree of {size} leaves")
    completed: list[tuple[int, int, bytes]] = []
    for leaf in leaves:
        index, level, h = size, 0, leaf
        completed.append((0, index, h))
        while index & 1:
            h = node_hash(frontier.pop(), h)
            index >>= 1
            level += 1
            completed.append((level, index, h))
        frontier.append(h)
        size += 1
    return size, completed


def fold(hashes: Sequence[bytes]) -> bytes:
    """The root over perfect subtrees given left to right (a frontier, or any aligned range's cover)."""
    if not hashes:
        return EMPTY_ROOT
    h = hashes[-1]
    for left in reversed(hashes[:-1]):
        h = node_hash(left, h)
    return h


def root_of_frontier(frontier: Sequence[bytes]) -> bytes:
    return fold(frontier)


def root_of_leaves(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) the slow, obvious way (RFC 9162 §2.1.1): for tests and one-off checks."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = 1 << ((n - 1).bit_length() - 1)
    return node_hash(root_of_leaves(leaves[:k]), root_of_leaves(leaves[k:]))


# ---- proofs: which stored nodes they need, then the hashes --------------------------------------------


def cover(start: int, end: int) -> list[Node]:
    """The stored perfect subtrees that make up leaves [start, end), left to right.

    For the ranges a proof asks about (``start`` aligned to a power of two at least ``end − start``)
    the root of the range is ``fold`` of these nodes' hashes.
    """
    nodes = []
    while start < end:
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
        while start + (1 << level) > end:
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def _largest_power_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1 as leaf ranges, from the leaf upward."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _largest_power_below(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo = lo + k
    return list(reversed(ranges))


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1 as leaf ranges, from the bottom up."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    ranges: list[tuple[int, int]] = []
    lo, hi, m, whole = 0, second, first, True
    while True:
        n = hi - lo
        if m == n:
            if not whole:
                ranges.append((lo, hi))
            break
        k = _largest_power_below(n)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    return list(reversed(ranges))


def needed(ranges: Iterable[tuple[int, int]]) -> set[Node]:
    return {node for a, b in ranges for node in cover(a, b)}


def assemble(ranges: Sequence[tuple[int, int]], nodes: Callable[[Node], bytes]) -> list[bytes]:
    return [fold([nodes(n) for n in cover(a, b)]) for a, b in ranges]


# ---- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ---------------------------------------------------


def verify_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes) -> bool:
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, path: Sequence[bytes]) -> bool:
    if first == 0:
        return not path  # the empty tree is a prefix of every tree
    if first > second:
        return False
    if first == second:
        return not path and first_root == second_root
    if not path:
        return False
    path = list(path)
    if first & (first - 1) == 0:  # a power of two: the old root is itself a node of the new tree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
