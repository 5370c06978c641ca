#!/usr/bin/env bash
# Set up and serve the portal with demo content at http://127.0.0.1:8000 (SQLite, and the
# database search unless SEARCH_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-portal.settings.dev}
.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py load_initial_data
echo "Serving the portal at http://127.0.0.1:8000 (admin at /admin/; create a login with: .venv/bin/python manage.py createsuperuser)"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
