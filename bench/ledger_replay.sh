#!/usr/bin/env bash
# Ledger replay benchmark: starts PostgreSQL and Kafka if needed, then runs bench/ledger_replay.py.
#   bash bench/ledger_replay.sh                       # 1,000,000 income events, 10,000 households
#   bash bench/ledger_replay.sh --events 20000 --households 500   # smoke check
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! pg_isready -q -h 127.0.0.1 || ! (exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null; then
    bash deploy/infra.sh up
fi
exec .venv/bin/python bench/ledger_replay.py "$@"
