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

# The bilingual dictionaries that translate a query's words between English, French and
# German (search/dictionaries.py): Debian's FreeDict packages (GPL), read once into a
# lookup file under var/. Without them the search works, untranslated.
DICTIONARIES="dict-freedict-deu-eng dict-freedict-eng-deu dict-freedict-fra-eng dict-freedict-eng-fra dict-freedict-deu-fra dict-freedict-fra-deu"
DICTIONARY_DIR=${SEARCH_DICTIONARY_DIR:-/usr/share/dictd}
missing_dictionary=
for package in $DICTIONARIES; do
    [ -f "$DICTIONARY_DIR/freedict-${package#dict-freedict-}.index" ] || missing_dictionary=1
done
if [ -n "$missing_dictionary" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "setup: installing Debian's FreeDict dictionaries for translating queries"
        # shellcheck disable=SC2086
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $DICTIONARIES >/dev/null
    fi
fi
mkdir -p var
if .venv/bin/python manage.py build_search_dictionary >/dev/null 2>var/dictionary-setup.err; then
    rm -f var/dictionary-setup.err
else
    echo "setup: WARNING: $(tail -1 var/dictionary-setup.err)" >&2
    echo "setup: queries are not translated between languages until they are installed" >&2
    [ "${CI:-}" = true ] && exit 1
fi
