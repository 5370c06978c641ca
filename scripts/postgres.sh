#!/usr/bin/env bash
# Start/stop a throwaway PostgreSQL 15 cluster for the tests, as search/engine/engine.sh
# does for OpenSearch.
#
#   postgres.sh start    initialise (once) and start the cluster on 127.0.0.1:$POSTGRES_PORT;
#                        installs Debian's postgresql-15 first when missing and run as root
#   postgres.sh stop     stop the cluster this script started (idempotent)
#   postgres.sh status   pid and address; exit 0 if it answers, 3 if not
#   postgres.sh url      print the DATABASE_URL of the cluster
#   postgres.sh clean    stop, then delete the cluster's data and log
#
# Environment: POSTGRES_PORT (default 54329), POSTGRES_DIR (default var/postgres, which git
# ignores), POSTGRES_BIN (default /usr/lib/postgresql/15/bin).
# The cluster listens on 127.0.0.1 only and trusts its connections: it holds nothing but
# test databases. Its role "portal" may create databases (pytest-django creates test_portal)
# and is not a superuser, as in production. Durability is switched off (fsync, synchronous
# commit): a crash loses only test data, and the suite runs faster.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_DIR="${POSTGRES_DIR:-$ROOT/var/postgres}"
PORT="${POSTGRES_PORT:-54329}"
DEBIAN_BIN=/usr/lib/postgresql/15/bin
BIN="${POSTGRES_BIN:-$DEBIAN_BIN}"
DATA="$PG_DIR/data"
LOG_FILE="$PG_DIR/postgres.log"
ROLE=portal
DATABASE=portal
START_TIMEOUT="${POSTGRES_START_TIMEOUT:-60}"

say() { echo "postgres: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# PostgreSQL refuses to run as root: root runs it as Debian's postgres system user.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_installed() {
  [[ -x "$BIN/initdb" && -x "$BIN/pg_ctl" ]] && return 0
  # Only Debian's own path is installed; another POSTGRES_BIN is the caller's to provide.
  if [[ "$BIN" == "$DEBIAN_BIN" && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    say "installing Debian's postgresql-15"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null \
      || die "apt-get install postgresql-15 failed"
  fi
  [[ -x "$BIN/initdb" && -x "$BIN/pg_ctl" ]] \
    || die "PostgreSQL 15 is not installed at $BIN (install Debian's postgresql-15, or set POSTGRES_BIN)"
}

url() { echo "postgres://$ROLE@127.0.0.1:$PORT/$DATABASE"; }

answers() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; }

ours_running() {  # pid of the postmaster of our data directory, if it runs
  [[ -f "$DATA/postmaster.pid" ]] || return 1
  as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1 || return 1
  head -n 1 "$DATA/postmaster.pid"
}

with_lock() {  # serialise start/stop from parallel callers
  mkdir -p "$PG_DIR"
  if command -v flock >/dev/null; then
    exec 9>"$PG_DIR/.lock"
    flock -w "$((START_TIMEOUT + 60))" 9 || die "timed out waiting for the lock $PG_DIR/.lock"
  fi
  "$@"
}

init_cluster() {
  [[ -f "$DATA/PG_VERSION" ]] && return 0
  if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "no postgres system user (it comes with Debian's postgresql-15)"
    chown postgres: "$PG_DIR"
  fi
  say "initialising a cluster in $DATA"
  # C.UTF-8 exists on every Debian machine; the test databases inherit its encoding.
  as_owner "$BIN/initdb" -D "$DATA" --username=postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
}

ensure_role() {
  local psql=("$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)
  if [[ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]]; then
    "${psql[@]}" -c "CREATE ROLE $ROLE LOGIN CREATEDB"
  fi
  if [[ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != 1 ]]; then
    "${psql[@]}" -c "CREATE DATABASE $DATABASE OWNER $ROLE"
  fi
}

do_start() {
  local pid
  ensure_installed
  if pid="$(ours_running)"; then
    answers || die "our cluster (pid $pid) runs but 127.0.0.1:$PORT does not answer; run '$0 stop' first"
    say "already running on 127.0.0.1:$PORT (pid $pid); not starting another"
    ensure_role
    return 0
  fi
  answers && die "something else answers on 127.0.0.1:$PORT; set POSTGRES_PORT to a free port"
  init_cluster
  say "starting on 127.0.0.1:$PORT; log: $LOG_FILE"
  # The socket goes in the data directory: /run/postgresql may not exist or be writable.
  # 9>&- : the server must not hold the lock.
  if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG_FILE" -w -t "$START_TIMEOUT" start -o \
      "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='$DATA' \
       -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null 9>&-; then
    say "ERROR: PostgreSQL did not start. Last log lines:"
    tail -n 40 "$LOG_FILE" >&2 || true
    exit 1
  fi
  ensure_role
  say "up on 127.0.0.1:$PORT, pid $(head -n 1 "$DATA/postmaster.pid")"
}

do_stop() {
  local pid
  if ! pid="$(ours_running)"; then
    if answers; then
      say "not started by this script (no cluster runs in $DATA), but something answers on 127.0.0.1:$PORT; leaving it alone"
    else
      say "not running"
    fi
    return 0
  fi
  say "stopping pid $pid"
  as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
  say "stopped"
}

do_status() {
  local pid
  if pid="$(ours_running)"; then
    echo "pid: $pid (data: $DATA)"
  else
    echo "pid: none started by this script"
  fi
  if answers; then
    echo "url: $(url)"
    return 0
  fi
  echo "nothing answers on 127.0.0.1:$PORT"
  return 3
}

do_clean() {
  do_stop
  rm -rf "$DATA" "$LOG_FILE" "$PG_DIR/initdb.log" "$PG_DIR/.lock"
  rmdir "$PG_DIR" 2>/dev/null || true
  say "data removed"
}

case "${1:-}" in
  start)  with_lock do_start ;;
  stop)   with_lock do_stop ;;
  status) do_status ;;
  url)    url ;;
  clean)  with_lock do_clean ;;
  *)
    echo "usage: $0 {start|stop|status|url|clean}" >&2
    exit 2 ;;
esac
