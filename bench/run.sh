#!/usr/bin/env bash
# Runs every benchmark on this machine, one after the other, each against its own baseline in
# the same run (figures are ratios: absolute times drift on shared machines). Results are
# printed and kept in bench/out/<name>.txt; copy them into bench/RESULTS.md with the date, the
# machine and its load average.
#
#   bash bench/run.sh                 # the sizes RESULTS.md quotes (a county, a million events): about an hour
#   bash bench/run.sh --smoke         # every bench at a tiny size, to show each still runs (tests/bench runs this)
#   bash bench/run.sh --only NAME     # one bench (NAME as in the table below), at full size unless --smoke
#
# Each line of the table is: name | script | full-size options | smoke options. A bench added to
# bench/ is added here, with both, so `make bench` runs it and the suite keeps it working.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
smoke=0
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --only) only="$2"; shift ;;
    *) echo "bench/run.sh: unknown option $1 (use --smoke, --only NAME)" >&2; exit 2 ;;
  esac
  shift
done

BENCHES=(
  "households_import|bench/households_import.py|--county|--households 60 --files 2"
  "webhooks|bench/webhooks.py|--rate 200 --seconds 20|--rate 20 --seconds 2 --warmup-seconds 1 --overload-seconds 1"
  "ledger_replay|bench/ledger_replay.py|--events 1000000 --households 10000|--events 3000 --households 100 --queries 20"
  "merkle|bench/merkle.py|--events 1000000 --batch 1000 --proofs 5000 --baseline-every 4|--events 3000 --batch 500 --proofs 50"
  "consumer_restart|bench/consumer_restart.py|--restarts 4 --membership both|--restarts 1 --membership static"
  "early_warning|bench/early_warning.py|--households 40000 --queries 200|--households 300 --queries 3 --exact-queries 1 --touched 50"
  "indicators|bench/indicators.py|--households 40000 --queries 50 --place-queries 20 --baseline-queries 1|--households 300 --queries 3 --place-queries 2 --baseline-queries 1"
)

mkdir -p bench/out
ran=0
started=$SECONDS
for line in "${BENCHES[@]}"; do
  IFS='|' read -r name script full small <<<"$line"
  [ -n "$only" ] && [ "$only" != "$name" ] && continue
  opts=$full
  [ "$smoke" = 1 ] && opts=$small
  ran=$((ran + 1))
  echo "== [$ran/${#BENCHES[@]}] $name: $py $script $opts (load average $(cut -d' ' -f1-3 /proc/loadavg), $((SECONDS - started)) s so far) =="
  # shellcheck disable=SC2086  # the options are words on purpose
  $py "$script" $opts 2>&1 | tee "bench/out/$name.txt"
done
[ "$ran" -gt 0 ] || { echo "bench/run.sh: no bench is called '$only'" >&2; exit 2; }
echo "== $ran bench(es) in $((SECONDS - started)) s; output in bench/out/ =="
