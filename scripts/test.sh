#!/usr/bin/env bash
# Set up and run the whole test suite: lint, Django checks, migrations, then pytest with a
# real OpenSearch node (started here if none answers) and headless Chromium.
# Under CI=true nothing may be skipped for a missing engine or browser: they are installed
# or started, or the run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "test: installing Debian's chromium for the browser tests"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "test: /usr/bin/chromium is missing; install Debian's chromium package" >&2
        [ "${CI:-}" = true ] && exit 1
    fi
fi

export SEARCH_TEST_URL=${SEARCH_TEST_URL:-http://127.0.0.1:9200}
started_engine=
if ! curl -fsS -o /dev/null "$SEARCH_TEST_URL" 2>/dev/null; then
    bash search/engine/engine.sh start
    started_engine=1
fi
stop_engine() { [ -n "$started_engine" ] && bash search/engine/engine.sh stop || true; }
trap stop_engine EXIT

.venv/bin/ruff check .
DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/python manage.py check
DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/python manage.py makemigrations --check --dry-run >/dev/null \
    || { echo "test: models changed without a migration (run manage.py makemigrations)" >&2; exit 1; }
.venv/bin/python -m pytest "$@"
