#!/usr/bin/env bash
# Set up and run the whole test suite: lint, Django checks, migrations, then pytest twice,
# side by side, on SQLite and on PostgreSQL 15 (the browser tests on SQLite only), with a real OpenSearch node (started here if none
# answers) and headless Chromium. Arguments are passed to both pytest runs.
# Under CI=true nothing may be skipped for a missing engine, browser or PostgreSQL: they are
# installed or started, or the run fails. Outside CI, TEST_WITHOUT_POSTGRES=1 runs the suite
# on SQLite only when PostgreSQL cannot be had (the run says so).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# The tests read the interface in French and German: the setup compiled the catalogues, and
# without them (no msgfmt) those tests could only fail, so say why now.
for po in locale/*/LC_MESSAGES/django.po; do
    if [ ! "${po%.po}.mo" -nt "$po" ]; then
        echo "test: ${po%.po}.mo is missing or older than $po; install Debian's gettext" >&2
        echo "test: (msgfmt) and run scripts/setup.sh, which compiles the translations" >&2
        exit 1
    fi
done

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "test: installing Debian's chromium for the browser tests"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "test: /usr/bin/chromium is missing; install Debian's chromium package" >&2
        [ "${CI:-}" = true ] && exit 1
    fi
fi

# The briefing tests read the PDF's text with poppler's pdftotext.
if ! command -v pdftotext >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "test: installing Debian's poppler-utils (pdftotext) for the briefing tests"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
    else
        echo "test: pdftotext is missing; install Debian's poppler-utils package" >&2
        [ "${CI:-}" = true ] && exit 1
    fi
fi

# What this script starts, it stops at exit: the engine and the throwaway PostgreSQL cluster.
started_engine=
started_postgres=
cleanup() {
    if [ -n "$started_postgres" ]; then bash scripts/postgres.sh stop || true; fi
    if [ -n "$started_engine" ]; then bash search/engine/engine.sh stop || true; fi
}
trap cleanup EXIT

export SEARCH_TEST_URL=${SEARCH_TEST_URL:-http://127.0.0.1:9200}
if ! curl -fsS -o /dev/null "$SEARCH_TEST_URL" 2>/dev/null; then
    bash search/engine/engine.sh start
    started_engine=1
fi

# The throwaway PostgreSQL cluster of scripts/postgres.sh (installed there when missing).
postgres_url=
if bash scripts/postgres.sh status >/dev/null 2>&1; then
    postgres_url=$(bash scripts/postgres.sh url)
elif bash scripts/postgres.sh start; then
    started_postgres=1
    postgres_url=$(bash scripts/postgres.sh url)
elif [ "${CI:-}" = true ] || [ "${TEST_WITHOUT_POSTGRES:-}" != 1 ]; then
    echo "test: PostgreSQL could not be installed or started (see above); the suite must also" >&2
    echo "test: run on PostgreSQL. Outside CI, TEST_WITHOUT_POSTGRES=1 runs on SQLite only." >&2
    exit 1
else
    echo "test: WARNING: no PostgreSQL (TEST_WITHOUT_POSTGRES=1): the suite runs on SQLite only" >&2
fi

# The backup tests restore across databases: both runs may create and drop scratch databases
# of their own on this server (tests/backups/).
if [ -n "$postgres_url" ]; then export POSTGRES_TEST_URL=$postgres_url; fi

heading() { printf '\n===== %s =====\n' "$*"; }

# Django's checks and the missing-migration check on one database ($1: sqlite|postgresql).
django_checks() {
    DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/python manage.py check --database default \
        && DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/python manage.py makemigrations --check --dry-run >/dev/null \
        || { echo "test: Django checks failed on $1 (a missing migration: run manage.py makemigrations)" >&2; return 1; }
}

# pytest on one database ($1: sqlite|postgresql), its output in var/test-logs/$1.log; each
# run keeps its own cache, so that --last-failed means the last failures on that database.
# The log ends with the 30 slowest tests and setups, where to look when the run grows slow.
# Exit 5 (no tests) is a failure.
run_suite() {
    local vendor=$1 started=$SECONDS rc=0
    shift
    TEST_DATABASE_VENDOR=$vendor .venv/bin/python -m pytest -o cache_dir=".pytest_cache/$vendor" --durations=30 "$@" \
        > "$logs/$vendor.log" 2>&1 || rc=$?
    if [ "$rc" = 5 ]; then echo "test: no test ran on $vendor (pytest exit 5)" >> "$logs/$vendor.log"; fi
    echo "$vendor: $((SECONDS - started))s, exit $rc" > "$logs/$vendor.summary"
    echo "$rc" > "$logs/$vendor.rc"
}

heading "lint and checks"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
django_checks sqlite
if [ -n "$postgres_url" ]; then
    DATABASE_URL=$postgres_url django_checks postgresql
fi

# The browser tests (marked `browser`) run once, on SQLite: they check what a reader sees,
# and the queries behind their pages run on PostgreSQL in the other tests; each of them
# commits and flushes the database (a live server), which PostgreSQL makes slow.
# The engine crash tests (marked `engine_kill`) run on SQLite only too: what they test is
# the engine's behaviour, whatever the database.
# The two databases' runs go side by side: most of a run waits on the engine, the browser
# or the database, so two share the machine's cores well (TEST_ONE_AT_A_TIME=1: one after
# the other, e.g. to read a run's output as it comes). Their tests meet nowhere: each has its
# own test database, and engine tests their own throwaway index prefixes.
logs=var/test-logs
mkdir -p "$logs"
rm -f "$logs"/*.log "$logs"/*.summary "$logs"/*.rc
vendors=(sqlite)
if [ -n "$postgres_url" ]; then vendors+=(postgresql); fi
heading "pytest on ${vendors[*]} (output in $logs/)"
for vendor in "${vendors[@]}"; do
    if [ "$vendor" = postgresql ]; then
        DATABASE_URL=$postgres_url run_suite "$vendor" -m "not browser and not engine_kill" "$@" &
    else
        run_suite "$vendor" "$@" &
    fi
    if [ "${TEST_ONE_AT_A_TIME:-}" = 1 ]; then wait; fi
done
wait
failed=()
for vendor in "${vendors[@]}"; do
    if [ "$(cat "$logs/$vendor.rc" 2>/dev/null)" != 0 ]; then failed+=("$vendor"); fi
done

for vendor in "${vendors[@]}"; do
    heading "pytest on $vendor"
    cat "$logs/$vendor.log"
done

heading "summary"
cat "$logs"/*.summary
if [ -z "$postgres_url" ]; then echo "test: PostgreSQL was SKIPPED (TEST_WITHOUT_POSTGRES=1)"; fi
if [ ${#failed[@]} -gt 0 ]; then
    echo "test: FAILED on ${failed[*]}" >&2
    exit 1
fi
echo "test: passed on ${vendors[*]}"
