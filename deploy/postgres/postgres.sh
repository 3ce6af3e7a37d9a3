#!/usr/bin/env bash
# Local PostgreSQL from Debian's packages, for development and tests (no Docker).
#
#   bash deploy/postgres/postgres.sh start|stop|status|wait|ensure-db
#
# start      install the server packages if missing (apt-get), make sure the Debian
#            cluster <version>/main exists, listens on 127.0.0.1:$PGPORT and runs, then
#            ensure-db. A quick no-op when the server answers and role/databases exist.
# ensure-db  create (idempotently) login role fupin/fupin (CREATEDB) and the databases
#            fupin_funds fupin_households fupin_market fupin_training fupin_ledger fupin_oversight.
# stop       stop the cluster (fast shutdown). status: show it. wait: until pg_isready.
#
# Environment: PGPORT (default 5432), PG_CLUSTER (default main), PG_WAIT_TIMEOUT (60).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

PGPORT="${PGPORT:-5432}"
PG_HOST=127.0.0.1
CLUSTER="${PG_CLUSTER:-main}"
# How every database is made, as shared/db.py DATABASE_OPTIONS says (its comment says why); tests hold the two equal.
DATABASE_OPTIONS="TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C'"
WAIT_TIMEOUT="${PG_WAIT_TIMEOUT:-60}"
APP_ROLE=fupin
APP_PASSWORD=fupin
DATABASES=(fupin_funds fupin_households fupin_market fupin_training fupin_ledger fupin_oversight)
LOCK_FILE="$ROOT/var/postgres/.lock"
CONF_NAME="fupin-local.conf"

log() { printf '[postgres] %s\n' "$*" >&2; }
die() { printf '[postgres] ERROR: %s\n' "$*" >&2; exit 1; }

SUDO=()   # stays empty: start/stop/ensure-db re-exec themselves through sudo when not root

# newest installed server version (by its binaries), empty if none
server_version() {
    local d v best=""
    for d in /usr/lib/postgresql/*/bin/postgres; do
        [[ -x "$d" ]] || continue
        v="${d#/usr/lib/postgresql/}"; v="${v%%/*}"
        if [[ -z "$best" ]] || ((${v%%.*} > ${best%%.*})); then best="$v"; fi
    done
    printf '%s' "$best"
}

install_server() {
    log "no PostgreSQL server binaries found; installing Debian packages (apt-get) ..."
    local t0=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq >&2 || die "apt-get update failed"
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends postgresql postgresql-client >&2 9>&- \
        || die "apt-get install postgresql failed"
    log "installed in $((SECONDS - t0))s"
}

as_postgres() { # run a command as the postgres OS user
    if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -n -u postgres -- "$@"; fi
}

psql_super() { # superuser psql over the cluster's unix socket
    as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PGPORT" "$@"
}

cluster_exists() { pg_lsclusters -h 2>/dev/null | awk -v v="$1" -v c="$CLUSTER" '$1==v && $2==c {f=1} END {exit !f}'; }
cluster_online() { pg_lsclusters -h 2>/dev/null | awk -v v="$1" -v c="$CLUSTER" '$1==v && $2==c && $4 ~ /^online/ {f=1} END {exit !f}'; }

is_ready() { pg_isready -q -h "$PG_HOST" -p "$PGPORT" -t 2 >/dev/null 2>&1; }

app_ready() { # server answers AND role can log in with its password AND all dbs exist
    command -v psql >/dev/null 2>&1 || return 1
    is_ready || return 1
    local want n
    want="$(printf "'%s'," "${DATABASES[@]}")"; want="${want%,}"
    n="$(PGPASSWORD="$APP_PASSWORD" PGCONNECT_TIMEOUT=3 psql -X -At -h "$PG_HOST" -p "$PGPORT" \
        -U "$APP_ROLE" -d "${DATABASES[-1]}" \
        -c "select count(*) from pg_database d join pg_roles r on r.oid = d.datdba
            where d.datname in ($want) and r.rolname = '$APP_ROLE'" 2>/dev/null)" || return 1
    [[ "$n" == "${#DATABASES[@]}" ]]
}

with_lock() {
    mkdir -p "$(dirname "$LOCK_FILE")"
    exec 9>"$LOCK_FILE"
    if command -v flock >/dev/null 2>&1; then flock 9; fi
    "$@"
}

configure_cluster() { # $1 = version; returns 0, sets NEED_RESTART=1 if settings changed
    local ver="$1" confdir="/etc/postgresql/$1/$CLUSTER" want cur
    want="# Managed by deploy/postgres/postgres.sh
listen_addresses = '$PG_HOST'
port = $PGPORT
max_connections = 300
"
    mkdir -p "$confdir/conf.d"
    cur="$(cat "$confdir/conf.d/$CONF_NAME" 2>/dev/null || true)"
    if [[ "$cur"$'\n' != "$want" ]]; then
        printf '%s' "$want" >"$confdir/conf.d/$CONF_NAME"
        chown postgres:postgres "$confdir/conf.d/$CONF_NAME" 2>/dev/null || true
        NEED_RESTART=1
    fi
    # port lives in postgresql.conf too (pg_lsclusters, pg_ctlcluster and psql read it there)
    if [[ "$(pg_conftool "$ver" "$CLUSTER" show -s port 2>/dev/null)" != "$PGPORT" ]]; then
        pg_conftool "$ver" "$CLUSTER" set port "$PGPORT"
        NEED_RESTART=1
    fi
    # password auth over TCP from 127.0.0.1 (Debian's default already has this line)
    local hba="$confdir/pg_hba.conf"
    if ! grep -Eq '^[[:space:]]*host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+(scram-sha-256|md5)' "$hba"; then
        log "adding a scram-sha-256 rule for $APP_ROLE from 127.0.0.1/32 to $hba"
        sed -i "1i host    all    $APP_ROLE    127.0.0.1/32    scram-sha-256" "$hba"
        NEED_RELOAD=1
    fi
}

do_start() {
    if app_ready; then
        log "already running on $PG_HOST:$PGPORT with role $APP_ROLE and its databases -- nothing to do"
        return 0
    fi
    local t0=$SECONDS ver
    ver="$(server_version)"
    if [[ -z "$ver" ]]; then
        install_server
        ver="$(server_version)"
        [[ -n "$ver" ]] || die "postgresql installed but no server binaries found under /usr/lib/postgresql"
    fi
    if ! cluster_exists "$ver"; then
        log "creating cluster $ver/$CLUSTER (port $PGPORT)"
        pg_createcluster --port="$PGPORT" "$ver" "$CLUSTER" >&2 9>&-
    fi
    NEED_RESTART=0 NEED_RELOAD=0
    configure_cluster "$ver"
    # the socket dir lives on a tmpfs on real machines and may be missing after a reboot
    install -d -o postgres -g postgres -m 2775 /var/run/postgresql
    if cluster_online "$ver"; then
        if ((NEED_RESTART)); then
            log "settings changed; restarting cluster $ver/$CLUSTER"
            pg_ctlcluster "$ver" "$CLUSTER" restart >&2 9>&-
        elif ((NEED_RELOAD)); then
            pg_ctlcluster "$ver" "$CLUSTER" reload >&2
        fi
    else
        if is_ready; then
            die "something else answers on $PG_HOST:$PGPORT but cluster $ver/$CLUSTER is down; set PGPORT"
        fi
        log "starting cluster $ver/$CLUSTER on $PG_HOST:$PGPORT"
        pg_ctlcluster "$ver" "$CLUSTER" start >&2 9>&- || {
            tail -n 30 "/var/log/postgresql/postgresql-$ver-$CLUSTER.log" >&2 2>/dev/null || true
            die "pg_ctlcluster $ver $CLUSTER start failed"
        }
    fi
    do_wait
    do_ensure_db
    log "ready on $PG_HOST:$PGPORT (PostgreSQL $ver, $((SECONDS - t0))s)"
}

do_ensure_db() {
    if app_ready; then return 0; fi
    log "ensuring role $APP_ROLE and databases: ${DATABASES[*]}"
    psql_super -d postgres <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
    CREATE ROLE $APP_ROLE LOGIN CREATEDB PASSWORD '$APP_PASSWORD';
  ELSE
    ALTER ROLE $APP_ROLE LOGIN CREATEDB PASSWORD '$APP_PASSWORD';
  END IF;
END
\$\$;
SQL
    local db
    for db in "${DATABASES[@]}"; do
        if [[ "$(psql_super -d postgres -At -c "select 1 from pg_database where datname = '$db'")" != 1 ]]; then
            psql_super -d postgres -c "CREATE DATABASE $db OWNER $APP_ROLE $DATABASE_OPTIONS"
        else
            psql_super -d postgres -c "ALTER DATABASE $db OWNER TO $APP_ROLE"
            if [[ "$(psql_super -d postgres -At -c "select datcollate from pg_database where datname = '$db'")" != C ]]; then
                log "note: $db was made before its databases collated \"C\" (shared/db.py DATABASE_OPTIONS): it works the same, sorts slower"
            fi
        fi
    done
    app_ready || die "role $APP_ROLE cannot log in over TCP at $PG_HOST:$PGPORT with its password (check pg_hba.conf)"
}

do_stop() {
    local ver
    ver="$(server_version)"
    if [[ -z "$ver" ]] || ! cluster_exists "$ver"; then log "no cluster"; return 0; fi
    if cluster_online "$ver"; then
        log "stopping cluster $ver/$CLUSTER"
        "${SUDO[@]}" pg_ctlcluster "$ver" "$CLUSTER" stop >&2
        log "stopped"
    else
        log "not running"
    fi
}

do_status() {
    command -v pg_lsclusters >/dev/null 2>&1 && pg_lsclusters >&2 || true
    if is_ready; then
        if app_ready; then echo "postgres: running on $PG_HOST:$PGPORT, role $APP_ROLE and databases present"
        else echo "postgres: running on $PG_HOST:$PGPORT, role/databases missing (run: $0 ensure-db)"; fi
        return 0
    fi
    echo "postgres: not running on $PG_HOST:$PGPORT"
    return 3
}

do_wait() {
    command -v pg_isready >/dev/null 2>&1 || die "pg_isready not found (is postgresql-client installed?)"
    local deadline=$((SECONDS + WAIT_TIMEOUT))
    until is_ready; do
        ((SECONDS < deadline)) || die "no answer on $PG_HOST:$PGPORT within ${WAIT_TIMEOUT}s"
        sleep 0.3
    done
}

if [[ $EUID -ne 0 ]]; then
    case "${1:-}" in
        start) app_ready && { log "already running -- nothing to do"; exit 0; } ;;&
        start|stop|ensure-db)
            # apt-get and the cluster tools need root (to edit /etc/postgresql, start the server)
            exec sudo -n -E bash "$0" "$@" ;;
    esac
fi

# NB: commands that may leave a daemon behind get 9>&- so it does not inherit the lock.
case "${1:-}" in
    start)     with_lock do_start ;;
    stop)      with_lock do_stop ;;
    status)    do_status ;;
    wait)      do_wait; log "ready on $PG_HOST:$PGPORT" ;;
    ensure-db) with_lock do_ensure_db ;;
    *) echo "usage: $0 start|stop|status|wait|ensure-db" >&2; exit 2 ;;
esac
