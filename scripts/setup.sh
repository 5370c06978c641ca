#!/usr/bin/env bash
# Create the virtual environment and install the pinned requirements. Idempotent: it
# reinstalls only when a requirements file changed since the last run.
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
