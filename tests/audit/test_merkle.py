"""RFC 9162 §2.1 hashing, appended incrementally; proofs verify, and fail when anything is altered.

Two implementations are checked against each other: the platform's (shared/merkle.py, the
frontier and stored nodes) and the auditor's (verifier/fupin_verify.py, level by level).
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared import merkle
from tests.audit.support import fv


def _tree(n: int):
    leaves = [merkle.leaf_hash(f"event {i}".encode()) for i in range(n)]
    store: dict[tuple[int, int], bytes] = {}
    size, frontier = 0, []
    roots = [merkle.EMPTY_ROOT]
    for leaf in leaves:  # one at a time, as appends come
        size, nodes = merkle.append_leaves(size, frontier, [leaf])
        store.update({(lv, ix): h for lv, ix, h in nodes})
        roots.append(merkle.root_of_frontier(frontier))
    return leaves, store, roots


def test_hashing_is_rfc9162_domain_separated():
    assert merkle.EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert merkle.leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    a, b = merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")
    assert merkle.node_hash(a, b) == hashlib.sha256(b"\x01" + a + b).digest()
    # A leaf can never pose as an interior node: the prefixes differ.
    assert merkle.leaf_hash(a + b) != merkle.node_hash(a, b)


def test_incremental_roots_equal_the_definition_and_the_verifiers_at_every_size():
    leaves, store, roots = _tree(130)
    for n in range(131):
        assert roots[n] == merkle.root_of_leaves(leaves[:n]) == fv.tree_root(leaves[:n])
        # Every past root stays readable from the stored nodes: no rebuild.
        assert merkle.fold([store[node] for node in merkle.frontier_nodes(n)]) == roots[n]


def test_appending_in_batches_equals_appending_one_by_one():
    leaves, store, roots = _tree(77)
    size, frontier, batch_store = 0, [], {}
    for chunk in (leaves[:1], leaves[1:8], leaves[8:40], leaves[40:]):
        size, nodes = merkle.append_leaves(size, frontier, chunk)
        batch_store.update({(lv, ix): h for lv, ix, h in nodes})
    assert size == 77 and merkle.root_of_frontier(frontier) == roots[77] and batch_store == store


def test_an_inclusion_proof_verifies_for_every_leaf_and_fails_for_an_altered_one():
    leaves, store, roots = _tree(45)
    for n in (1, 2, 3, 8, 31, 45):
        for i in range(n):
            path = merkle.assemble(merkle.inclusion_ranges(i, n), store.__getitem__)
            assert merkle.verify_inclusion(i, n, leaves[i], path, roots[n])
            assert fv.check_inclusion(i, n, leaves[i], path, roots[n])
            altered = merkle.leaf_hash(f"event {i} altered".encode())
            assert not merkle.verify_inclusion(i, n, altered, path, roots[n])
            assert not fv.check_inclusion(i, n, altered, path, roots[n])
            if n > 1:
                assert not fv.check_inclusion((i + 1) % n, n, leaves[i], path, roots[n])  # another index
                assert not fv.check_inclusion(i, n, leaves[i], path[:-1], roots[n])  # a shortened path
            assert not fv.check_inclusion(i, n, leaves[i], path, roots[n - 1] if n > 1 else b"\0" * 32)


def test_a_consistency_proof_verifies_across_appends_and_fails_across_a_rewritten_history():
    leaves, store, roots = _tree(40)
    forged = list(leaves)
    forged[5] = merkle.leaf_hash(b"rewritten")
    for n in range(1, 41):
        for m in range(1, n + 1):
            path = merkle.assemble(merkle.consistency_ranges(m, n), store.__getitem__) if m < n else []
            assert merkle.verify_consistency(m, n, roots[m], roots[n], path)
            assert fv.check_consistency(m, n, roots[m], roots[n], path)
            if m > 5:  # the kept root covers the rewritten leaf: no proof may link it to the forged tree
                forged_root = merkle.root_of_leaves(forged[:n])
                assert not merkle.verify_consistency(m, n, roots[m], forged_root, path)
                assert not fv.check_consistency(m, n, roots[m], forged_root, path)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.data())
def test_proofs_at_random_sizes(n, data):
    leaves, store, roots = _tree(n)
    i = data.draw(st.integers(0, n - 1))
    m = data.draw(st.integers(1, n))
    path = merkle.assemble(merkle.inclusion_ranges(i, n), store.__getitem__)
    assert len(path) <= (n - 1).bit_length()
    assert fv.check_inclusion(i, n, leaves[i], path, roots[n])
    cpath = merkle.assemble(merkle.consistency_ranges(m, n), store.__getitem__) if m < n else []
    assert fv.check_consistency(m, n, roots[m], roots[n], cpath)


def test_a_wrong_frontier_is_refused():
    with pytest.raises(ValueError):
        merkle.append_leaves(3, [merkle.EMPTY_ROOT], [merkle.leaf_hash(b"x")])
