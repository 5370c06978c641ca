#!/usr/bin/env bash
# Create the virtual environment, install the pinned requirements and compile the
# translations. Idempotent: it reinstalls only when a requirements file changed since the
# last run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || { echo "setup: $PYTHON not found; install Python 3.11" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv

stamp=.venv/.requirements.sha
wanted=$(cat requirements.txt requirements-dev.txt constraints.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    # constraints.txt pins every package, dependencies included, to what was tested.
    .venv/bin/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
    echo "$wanted" > "$stamp"
fi

# The interface's catalogues (locale/fr, locale/de) are compiled here, not committed: the
# .mo files need gettext's msgfmt, installed from Debian where it is missing.
if ! command -v msgfmt >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "setup: installing Debian's gettext to compile the translations"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null
    fi
fi
if command -v msgfmt >/dev/null; then
    # Only the portal's own catalogues: the installed packages bring theirs compiled.
    .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=var --ignore=bench \
        --ignore=node_modules >/dev/null
else
    echo "setup: WARNING: gettext's msgfmt is missing (Debian package gettext): the" >&2
    echo "setup: interface stays in English until the translations are compiled" >&2
fi
