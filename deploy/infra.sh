#!/usr/bin/env bash
# Local infrastructure for development and tests: PostgreSQL + Apache Kafka, no Docker.
#
#   bash deploy/infra.sh up|down|status
#
# up     starts both (in parallel; each is a quick no-op when already running)
# down   stops both (data is kept under var/kafka and /var/lib/postgresql)
# status shows both; exits non-zero if either is down
set -euo pipefail

DEPLOY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG="$DEPLOY/postgres/postgres.sh"
KAFKA="$DEPLOY/kafka/kafka.sh"

log() { printf '[infra] %s\n' "$*" >&2; }

up() {
    local t0=$SECONDS pg_pid kafka_pid rc=0
    bash "$PG" start & pg_pid=$!
    bash "$KAFKA" start & kafka_pid=$!
    wait "$pg_pid" || { log "PostgreSQL failed to start"; rc=1; }
    wait "$kafka_pid" || { log "Kafka failed to start"; rc=1; }
    if ((rc == 0)); then
        log "up in $((SECONDS - t0))s: PostgreSQL 127.0.0.1:${PGPORT:-5432}, Kafka 127.0.0.1:${KAFKA_PORT:-9092}"
    fi
    return "$rc"
}

down() {
    local rc=0
    bash "$KAFKA" stop || rc=1
    bash "$PG" stop || rc=1
    return "$rc"
}

status() {
    local rc=0
    bash "$PG" status || rc=1
    bash "$KAFKA" status || rc=1
    return "$rc"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
