"""The soak's mixed load, for locust: readers on the search page (words, facets), the
search API (anonymous and with a member's token), entry pages and the overview, and a
moderator publishing through the import API (POST /api/v1/entries.jsonl with a token: the
real path that saves a revision, publishes it and queues the index update, applied when
the transaction commits). The plan (entry addresses, tokens, words, terms) is the JSON
file named by SOAK_PLAN, written by bench/soak.py.

Every request says X-Forwarded-Proto: https, as the reverse proxy in front of a
production portal does; an answer other than 200 counts as a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["SOAK_PLAN"]).read_text("utf-8"))
PROXY = {"X-Forwarded-Proto": "https"}
# Each simulated user publishes its own few entries: new ones first, then new revisions.
USER_NUMBERS = itertools.count()
ENTRIES_PER_USER = 5
PUBLISHES = itertools.count()


class Reader(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.number = next(USER_NUMBERS)
        self.rng = random.Random(self.number)

    def _get(self, path: str, name: str, headers: dict | None = None) -> None:
        with self.client.get(
            path,
            name=name,
            headers={**PROXY, **(headers or {})},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    def _facets(self, count: int) -> list[tuple[str, str]]:
        return [tuple(term) for term in self.rng.sample(PLAN["terms"], count)]

    @task(3)
    def search_page_words(self) -> None:
        query = urlencode({"q": " ".join(self.rng.sample(PLAN["words"], 2))})
        self._get(f"/en/search/?{query}", "search page: words")

    @task(3)
    def search_page_facets(self) -> None:
        query = urlencode(self._facets(self.rng.choice([1, 2])))
        self._get(f"/en/search/?{query}", "search page: facets")

    @task(2)
    def search_api(self) -> None:
        query = urlencode([("q", self.rng.choice(PLAN["words"])), *self._facets(1)])
        self._get(f"/api/v1/search/?{query}", "search API: anonymous")

    @task(1)
    def search_api_member(self) -> None:
        query = urlencode([("q", self.rng.choice(PLAN["words"]))])
        bearer = {"Authorization": f"Bearer {PLAN['member_token']}"}
        self._get(f"/api/v1/search/?{query}", "search API: member token", bearer)

    @task(4)
    def entry_page(self) -> None:
        self._get(self.rng.choice(PLAN["entry_paths"]), "entry page")

    @task(1)
    def overview(self) -> None:
        query = urlencode(self._facets(self.rng.choice([0, 1])))
        self._get(f"/en/overview/?{query}", "overview")

    @task(1)
    def publish(self) -> None:
        number = next(PUBLISHES)
        line = dict(PLAN["publish_template"])
        line["id"] = f"soak-user{self.number}-{self.rng.randrange(ENTRIES_PER_USER)}"
        line["title"] = f"{line['title']} ({line['id']})"
        line["summary"] = f"{line['summary']} Revision {number}."
        line["updated"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self.client.post(
            "/api/v1/entries.jsonl",
            name="publish: import API, moderator",
            data=(json.dumps(line, ensure_ascii=False) + "\n").encode(),
            headers={
                **PROXY,
                "Authorization": f"Bearer {PLAN['moderator_token']}",
                "Content-Type": "application/x-ndjson",
            },
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
            elif len(response.json()["created"]) + len(response.json()["updated"]) != 1:
                response.failure(f"not published: {response.text[:200]}")
