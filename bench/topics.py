"""A bench's (or a test platform's) Kafka topics removed at its end: every topic of its prefix, not only those it produced.

The apps a bench starts make topics of their own under the same prefix (a ledger's relay its
``{prefix}ledger``, a market server its ``{prefix}market``); removing only the produced ones left
those behind, run after run, and the test platforms (``tests/conftest.py``, ``tests/e2e``) removed none:
a developer's broker held ~1,000 topics. What cannot be removed is returned as a sentence, never raised: the
figures are printed before the clean-up (issue #19 item 5).
"""

from __future__ import annotations

import os

# The benches' broker: one spelling for all of them (the platform's own setting's name).
BOOTSTRAP = os.environ.get("FUPIN_KAFKA_BOOTSTRAP", "127.0.0.1:9092")


async def topic_names(bootstrap: str) -> set[str]:
    """Every topic the broker at ``bootstrap`` holds."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def drop_topics(bootstrap: str, prefix: str) -> list[str]:
    """Delete every topic whose name starts with ``prefix``; the problems met, as sentences."""
    from aiokafka.admin import AIOKafkaAdminClient

    if not prefix:
        return ["no topic prefix: nothing removed"]
    try:
        mine = sorted(t for t in await topic_names(bootstrap) if t.startswith(prefix))
        if mine:
            admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
            await admin.start()
            try:
                await admin.delete_topics(mine)
            finally:
                await admin.close()
    except Exception as exc:
        return [f"topics {prefix}* left behind: {exc}"]
    return []
