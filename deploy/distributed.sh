#!/usr/bin/env bash
# Distributed mode on this machine: a uvicorn process per service (ports 8001–8005), each with
# its outbox relay, plus the ledger consumer as its own process (scale it by partitions).
# PostgreSQL and Kafka come from deploy/infra.sh (make up starts them first).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
run="$root/var/run"; logs="$root/var/log"
mkdir -p "$run" "$logs"
fupin="$root/.venv/bin/fupin"
export FUPIN_MODE=distributed
export FUPIN_DATABASE_URL_TEMPLATE="${FUPIN_DATABASE_URL_TEMPLATE:-postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/fupin_{service}}"
export FUPIN_KAFKA_BOOTSTRAP="${FUPIN_KAFKA_BOOTSTRAP:-127.0.0.1:9092}"
# Every service serves the same console build; it calls each service at its own port (CORS allows the console's origins).
export FUPIN_CONSOLE_API_URLS="${FUPIN_CONSOLE_API_URLS:-{\"funds\":\"http://127.0.0.1:8001\",\"households\":\"http://127.0.0.1:8002\",\"market\":\"http://127.0.0.1:8003\",\"training\":\"http://127.0.0.1:8004\",\"ledger\":\"http://127.0.0.1:8005\",\"dev\":\"http://127.0.0.1:8002\"}}"
export FUPIN_CORS_ORIGINS="${FUPIN_CORS_ORIGINS:-[\"http://127.0.0.1:8001\",\"http://127.0.0.1:8002\",\"http://127.0.0.1:8003\",\"http://127.0.0.1:8004\",\"http://127.0.0.1:8005\"]}"

declare -A PORTS=([funds]=8001 [households]=8002 [market]=8003 [training]=8004 [ledger]=8005)
ORDER=(funds households market training ledger)

say() { printf '%s\n' "$*" >&2; }

alive() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

start() {
  local name=$1; shift
  if alive "$name"; then say "  $name already running (pid $(cat "$run/$name.pid"))"; return; fi
  nohup "$@" >>"$logs/$name.log" 2>&1 &
  echo $! >"$run/$name.pid"
  say "  $name started (pid $!, log var/log/$name.log)"
}

wait_http() {
  local name=$1 port=$2
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then say "  $name ready on http://127.0.0.1:$port"; return 0; fi
    alive "$name" || { say "  $name exited; see var/log/$name.log"; tail -20 "$logs/$name.log" >&2; return 1; }
    sleep 0.5
  done
  say "  $name did not become ready; see var/log/$name.log"; return 1
}

up() {
  bash "$root/deploy/console.sh" build || say "console: build failed; the services run without it"
  say "migrating one database per service"
  "$fupin" migrate
  say "starting services"
  for name in "${ORDER[@]}"; do
    if [ "$name" = ledger ]; then
      FUPIN_RUN_CONSUMERS=false start ledger "$fupin" serve-service ledger --port "${PORTS[ledger]}"
      start ledger-consumer "$fupin" consume ledger
    else
      start "$name" "$fupin" serve-service "$name" --port "${PORTS[$name]}"
    fi
  done
  for name in "${ORDER[@]}"; do wait_http "$name" "${PORTS[$name]}"; done
  say "distributed mode is up: funds :8001, households :8002, market :8003, training :8004, ledger :8005 (+ ledger consumer); console at http://127.0.0.1:8002/"
}

down() {
  for name in ledger-consumer "${ORDER[@]}"; do
    if alive "$name"; then
      local pid; pid=$(cat "$run/$name.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
      say "  $name stopped"
    fi
    rm -f "$run/$name.pid"
  done
}

status() {
  for name in "${ORDER[@]}" ledger-consumer; do
    if alive "$name"; then say "  $name running (pid $(cat "$run/$name.pid"))"; else say "  $name stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) say "usage: $0 up|down|status"; exit 2 ;;
esac
