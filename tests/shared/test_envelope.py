"""The CloudEvents envelope and its hash chain: what `fupin audit verify` stands on."""

import copy

from shared.events.envelope import GENESIS_HASH, event_hash, seal, verify_chain


def _chain(n: int, source: str = "households") -> list[dict]:
    out, prev = [], GENESIS_HASH
    for i in range(1, n + 1):
        env = seal(
            event_id=f"id-{source}-{i}",
            service=source,
            type_="fupin.households.household_registered.v1",
            time="2026-01-01T00:00:00Z",
            subject=f"h{i}",
            data={"i": i, "amount_fen": 100 * i},
            sequence=i,
            prevhash=prev,
            actor="dev",
            actorrole="city_admin",
            partitionkey=f"h{i}",
        )
        prev = env["hash"]
        out.append(env)
    return out


def test_envelope_is_cloudevents_1_0_structured_with_audit_extensions():
    env = _chain(1)[0]
    for attr in ("specversion", "id", "source", "type", "time", "datacontenttype", "data", "subject"):
        assert attr in env
    assert env["specversion"] == "1.0"
    assert env["source"] == "/fupin/households"
    assert env["sequence"] == 1 and env["prevhash"] == GENESIS_HASH
    assert env["hash"] == event_hash(env)


def test_intact_interleaved_chains_verify():
    a, b = _chain(5, "households"), _chain(3, "funds")
    mixed = [a[0], b[0], a[1], a[2], b[1], a[3], b[2], a[4]]
    broken, counts = verify_chain(mixed)
    assert broken is None
    assert counts == {"/fupin/households": 5, "/fupin/funds": 3}


def test_altered_data_breaks_the_chain_at_that_event():
    events = _chain(5)
    events[2] = copy.deepcopy(events[2])
    events[2]["data"]["amount_fen"] += 1
    broken, _ = verify_chain(events)
    assert broken is not None and broken.sequence == 3 and "altered" in broken.reason


def test_altered_and_rehashed_event_is_caught_by_its_successor():
    events = _chain(5)
    forged = copy.deepcopy(events[1])
    forged["data"]["amount_fen"] = 1
    forged["hash"] = event_hash(forged)
    events[1] = forged
    broken, _ = verify_chain(events)
    assert broken is not None and broken.sequence == 3 and "prevhash" in broken.reason


def test_deleted_event_is_a_gap():
    events = _chain(5)
    del events[2]
    broken, _ = verify_chain(events)
    assert broken is not None and broken.sequence == 4 and "missing" in broken.reason


def test_reordered_events_break_the_sequence():
    events = _chain(5)
    events[1], events[2] = events[2], events[1]
    broken, _ = verify_chain(events)
    assert broken is not None and broken.sequence == 3


def test_inserted_event_breaks_the_sequence():
    events = _chain(4)
    events.insert(2, copy.deepcopy(events[1]))
    broken, _ = verify_chain(events)
    assert broken is not None and "inserted" in broken.reason
