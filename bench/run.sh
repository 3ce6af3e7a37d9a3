#!/usr/bin/env bash
# Runs every benchmark on this machine, one after the other, each against its own baseline in
# the same run (figures are ratios: absolute times drift on shared machines). Results are
# printed; copy them into bench/RESULTS.md with the date and the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
mkdir -p bench/out
echo "== households import (issue 4) ==";          $py bench/households_import.py | tee bench/out/households_import.txt
echo "== signed webhook ingestion (issue 6) ==";    $py bench/webhooks.py | tee bench/out/webhooks.txt
echo "== ledger replay vs raw consumption (issue 8) =="; $py bench/ledger_replay.py | tee bench/out/ledger_replay.txt
echo "== Merkle tree on the outbox append, proofs at 1M events (issue 18) =="; $py bench/merkle.py | tee bench/out/merkle.txt
echo "== consumer restart to first applied batch (issue 15) =="; $py bench/consumer_restart.py | tee bench/out/consumer_restart.txt
echo "== county-size early warning and indicator reads (issue 17) =="; $py bench/early_warning.py --queries 50 --indicator-queries 5 --county-queries 2 | tee bench/out/early_warning.txt
