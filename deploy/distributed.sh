#!/usr/bin/env bash
# Distributed mode on this machine, supervised: a process per service (ports 8001–8006), each with
# its outbox relay, and the ledger consumer (health on 8015), all under supervisord
# (deploy/supervisord.conf): restarted when they crash, stopped together.
# PostgreSQL and Kafka come from deploy/infra.sh (make up starts them first).
#
#   bash deploy/distributed.sh up|down|status|restart NAME|env
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
default_template='postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/fupin_{service}'
# (The default lives in a variable: inside ${VAR:-...} the '}' of '{service}' would end the expansion.)
export FUPIN_MODE=distributed
export FUPIN_DATABASE_URL_TEMPLATE="${FUPIN_DATABASE_URL_TEMPLATE:-$default_template}"
export FUPIN_KAFKA_BOOTSTRAP="${FUPIN_KAFKA_BOOTSTRAP:-127.0.0.1:9092}"
# Every service serves the same console build; it calls each service at its own port (CORS allows the console's origins).
default_console_urls='{"funds":"http://127.0.0.1:8001","households":"http://127.0.0.1:8002","market":"http://127.0.0.1:8003","training":"http://127.0.0.1:8004","ledger":"http://127.0.0.1:8005","oversight":"http://127.0.0.1:8006","dev":"http://127.0.0.1:8002"}'
export FUPIN_CONSOLE_API_URLS="${FUPIN_CONSOLE_API_URLS:-$default_console_urls}"
default_cors='["http://127.0.0.1:8001","http://127.0.0.1:8002","http://127.0.0.1:8003","http://127.0.0.1:8004","http://127.0.0.1:8005","http://127.0.0.1:8006"]'
export FUPIN_CORS_ORIGINS="${FUPIN_CORS_ORIGINS:-$default_cors}"
export FUPIN_ROOT="${FUPIN_ROOT:-$root}"
export FUPIN_RUN_DIR="${FUPIN_RUN_DIR:-$root/var/run}"
export FUPIN_LOG_DIR="${FUPIN_LOG_DIR:-$root/var/log}"
export FUPIN_BIN="${FUPIN_BIN:-$root/.venv/bin/fupin}"
export FUPIN_HOST="${FUPIN_HOST:-127.0.0.1}"
export FUPIN_INSTANCE="${FUPIN_INSTANCE:-$(hostname -s 2>/dev/null || echo local)}"
export FUPIN_PORT_FUNDS="${FUPIN_PORT_FUNDS:-8001}" FUPIN_PORT_HOUSEHOLDS="${FUPIN_PORT_HOUSEHOLDS:-8002}"
export FUPIN_PORT_MARKET="${FUPIN_PORT_MARKET:-8003}" FUPIN_PORT_TRAINING="${FUPIN_PORT_TRAINING:-8004}"
export FUPIN_PORT_LEDGER="${FUPIN_PORT_LEDGER:-8005}" FUPIN_PORT_LEDGER_CONSUMER="${FUPIN_PORT_LEDGER_CONSUMER:-8015}"
export FUPIN_PORT_OVERSIGHT="${FUPIN_PORT_OVERSIGHT:-8006}"
for name in FUNDS HOUSEHOLDS MARKET TRAINING LEDGER LEDGER_CONSUMER OVERSIGHT; do
  var="FUPIN_START_$name"; export "$var=${!var:-true}"
done
supervisord="$root/.venv/bin/supervisord"
conf="$root/deploy/supervisord.conf"
ctl() { "$root/.venv/bin/supervisorctl" -c "$conf" "$@"; }

say() { printf '%s\n' "$*" >&2; }

declare -A PORTS=([funds]=$FUPIN_PORT_FUNDS [households]=$FUPIN_PORT_HOUSEHOLDS [market]=$FUPIN_PORT_MARKET
                  [training]=$FUPIN_PORT_TRAINING [ledger]=$FUPIN_PORT_LEDGER [ledger-consumer]=$FUPIN_PORT_LEDGER_CONSUMER
                  [oversight]=$FUPIN_PORT_OVERSIGHT)
ORDER=(funds households market training ledger ledger-consumer oversight)

running() { [ -S "$FUPIN_RUN_DIR/supervisor.sock" ] && ctl pid >/dev/null 2>&1; }

wait_ready() {
  local name=$1 port=$2
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then say "  $name ready on http://127.0.0.1:$port"; return 0; fi
    sleep 0.5
  done
  say "  $name not ready after 60 s; see $FUPIN_LOG_DIR/$name.log"; ctl status "$name" >&2 || true; return 1
}

up() {
  mkdir -p "$FUPIN_RUN_DIR" "$FUPIN_LOG_DIR"
  bash "$root/deploy/console.sh" build || say "console: build failed; the services run without it"
  say "migrating one database per service"
  "$FUPIN_BIN" migrate
  if running; then
    say "supervisord already running; starting whatever is stopped"
    ctl start all >&2 || true
  else
    "$supervisord" -c "$conf"
    say "supervisord started (log $FUPIN_LOG_DIR/supervisord.log)"
  fi
  local rc=0
  for name in "${ORDER[@]}"; do wait_ready "$name" "${PORTS[$name]}" || rc=1; done
  ((rc == 0)) && say "distributed mode is up: funds :8001, households :8002, market :8003, training :8004, ledger :8005, ledger consumer :8015, oversight :8006; console at http://127.0.0.1:8002/"
  return "$rc"
}

down() {
  if running; then ctl shutdown >&2; for _ in $(seq 1 120); do running || break; sleep 0.5; done; say "  all stopped"
  else say "  supervisord is not running"; fi
}

status() {
  if ! running; then say "  supervisord is not running (make up)"; return 3; fi
  ctl status || true
  for name in "${ORDER[@]}"; do
    printf '  %-16s /readyz %s\n' "$name" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORTS[$name]}/readyz" 2>/dev/null || echo down)"
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  restart) ctl restart "${2:?which program}" ;;
  env) env | grep '^FUPIN_' | sort ;;
  *) say "usage: $0 up|down|status|restart NAME|env"; exit 2 ;;
esac
