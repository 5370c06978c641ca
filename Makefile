# The two commands of the README are `make run` and `make test`; the rest are parts of them.
.PHONY: setup run test lint check engine engine-stop engine-cluster postgres postgres-stop bench

setup:
	bash scripts/setup.sh

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

check: setup
	DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/python manage.py check
	DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/python manage.py makemigrations --check --dry-run

engine:
	bash search/engine/engine.sh start

engine-stop:
	bash search/engine/engine.sh stop

engine-cluster:
	bash search/engine/engine.sh start-cluster

# The throwaway PostgreSQL 15 cluster the tests run on (var/postgres, 127.0.0.1:54329).
postgres:
	bash scripts/postgres.sh start

postgres-stop:
	bash scripts/postgres.sh stop

# Search benchmark and relevance report (bench/results/). BENCH_ENTRIES: the collection
# sizes of one run; SEARCH_URL points at another engine than the one `make engine` starts.
BENCH_ENTRIES ?= 10000 100000
bench: setup
	if [ -z "$$SEARCH_URL" ]; then bash search/engine/engine.sh start; fi
	.venv/bin/python bench/search_bench.py --entries $(BENCH_ENTRIES)
	.venv/bin/python bench/relevance.py
