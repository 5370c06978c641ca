"""Search benchmark: indexing throughput and search latency, engine and database.

    .venv/bin/python bench/search_bench.py [--entries 10000] [--engine-url URL]
        [--requests 400] [--database-requests 40] [--workers 3] [--output PATH]

What it does, in a throwaway SQLite database and under the index prefix "bench":

1. Loads the vocabulary and the seed + demo entries through the real import (real Wagtail
   pages), adds member organisations up to 50 through the real service, then generates the
   remaining entries (en/fr/de text recombined from the demo entries' sentences and the
   vocabulary's labels, random terms, visibility mostly public). Creating tens of thousands
   of pages through Wagtail's page API takes hours, so generated entries are written with
   bulk inserts into the same tables (page, entry page, practice/lesson page, term links,
   tags, metrics, recommendations) with tree paths computed as treebeard computes them:
   what the portal then reads is indistinguishable from imported pages.
2. Builds the index with the real `index_rebuild` (database read, `entry_document`, bulk
   requests, alias swap), three times (`--indexing-runs`), and reports entries per second of
   each and of the median one, and the time spent in bulk calls.
3. Starts gunicorn twice on 127.0.0.1 (portal with SEARCH_URL set; portal with it unset,
   i.e. the database fallback) and measures GET /api/v1/search/ for a fixed mix of queries
   at concurrency 1 and 8, plus the same request bodies sent straight to the engine
   (the floor; a query that finds nothing sends its "did you mean" body too, as the portal
   does). Bounded request loops over keep-alive connections.
4. Writes bench/results/search.md.

Not a test: a measurement. The load generator runs on the same machine as the engine and
the portal, so at concurrency 8 all three share the cores; the report says how many.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "search.md"
ENTRY_FILES = ["seed-entries.jsonl", "demo-entries.jsonl"]
PREFIX = "bench"
ORGANISATIONS = 50
LANGUAGE_MIX = (("en", 0.5), ("fr", 0.25), ("de", 0.25))
VISIBILITY_MIX = (("public", 0.8), ("members", 0.15), ("organisation", 0.05))

# The query mix: kinds of query and their shares. Every measured request is a different
# query (see _query_mix), so that neither the engine's caches nor the portal's answer
# from memory what they computed for an earlier request.
KIND_SHARES = (
    ("text", 3),
    ("text+2 facets", 2),
    ("facets only", 2),
    ("typo", 2),
    ("0-result", 1),
)
QUERY_EXAMPLES: list[tuple[str, dict]] = [
    ("text", {"q": "online counselling"}),
    ("text", {"q": "accompagnement de sortie en ligne"}),
    ("text+2 facets", {"q": "anonymous chat", "formats": ["chat", "video"], "language": ["en"]}),
    ("facets only", {"formats": ["chat", "video"], "target_groups": ["leavers"]}),
    ("typo", {"q": "conselling anonymus"}),
    ("0-result", {"q": "xylophone quasar"}),
]
FACETED = ("domains", "formats", "approaches", "target_groups", "ideologies", "platforms")


# --- setup -------------------------------------------------------------------------


def _setup(database: Path, engine_url: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["SEARCH_URL"] = engine_url
    os.environ["SEARCH_INDEX_PREFIX"] = PREFIX
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _real_entry_lines() -> list[dict]:
    lines = []
    for name in ENTRY_FILES:
        lines += (ROOT / "fixtures" / name).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _load_real_entries() -> list[dict]:
    from django.conf import settings
    from django.core.management import call_command

    from entries.services import entries_import
    from portal.services import site_ensure
    from vocabulary.services import vocabulary_load

    call_command("migrate", verbosity=0)
    site_ensure()
    vocabulary_load()
    lines = []
    for name in ENTRY_FILES:
        lines += (settings.BASE_DIR / "fixtures" / name).read_text("utf-8").splitlines()
    report = entries_import(lines)
    if not report.ok:
        raise SystemExit(f"import failed: {report.errors[:3]}")
    return [json.loads(line) for line in lines if line.strip()]


# --- text generation -----------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _markdown_plain(text: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    return re.sub(r"[*_#>`]+", "", text)


@dataclass
class Corpus:
    """Sentences, titles and words of each language, from the demo entries."""

    sentences: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, list[str]] = field(default_factory=dict)
    words: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: list[dict]) -> Corpus:
        from vocabulary.models import Term

        corpus = cls()
        for entry in entries:
            lang = entry["language"]
            corpus.titles.setdefault(lang, []).append(entry["title"])
            texts = [entry["summary"], entry.get("body", "")]
            texts += [entry.get(name, "") for name in ("context", "what_worked", "outcomes")]
            for text in texts:
                for line in _markdown_plain(text).splitlines():
                    for sentence in _SENTENCE.split(line.strip(" -")):
                        if len(sentence.split()) >= 5:
                            corpus.sentences.setdefault(lang, []).append(sentence.strip())
        for lang, sentences in corpus.sentences.items():
            corpus.words[lang] = sorted(
                {word for s in sentences for word in re.findall(r"\w{5,}", s.casefold())}
            )
        for term in Term.objects.exclude(facet="countries"):
            for lang in ("en", "fr", "de"):
                corpus.labels.setdefault(lang, []).append(term.label_in(lang))
        return corpus

    def title(self, rng: random.Random, lang: str) -> str:
        words = rng.choice(self.titles[lang]).split()
        # Swap two words for others of the language, and name a vocabulary concept.
        for _ in range(2):
            words[rng.randrange(len(words))] = rng.choice(self.words[lang])
        return f"{rng.choice(self.labels[lang])}: {' '.join(words)}"[:250]

    def paragraph(self, rng: random.Random, lang: str, sentences: int) -> str:
        chosen = [rng.choice(self.sentences[lang]) for _ in range(sentences)]
        position = rng.randrange(len(chosen))
        chosen[position] = f"{chosen[position]} ({rng.choice(self.labels[lang]).lower()})"
        return " ".join(chosen)


def _weighted(rng: random.Random, mix) -> str:
    roll, total = rng.random(), 0.0
    for value, weight in mix:
        total += weight
        if roll < total:
            return value
    return mix[-1][0]


# --- bulk insertion of generated entries ------------------------------------------------


def _organisations_ensure(rng: random.Random):
    from organisations.models import OrganisationPage
    from organisations.services import organisation_upsert

    countries = ["DE", "FR", "AT", "BE", "NL", "FI", "PT", "SE", "DK", "GB", "IE", "IT", "ES"]
    existing = OrganisationPage.objects.count()
    for number in range(existing, ORGANISATIONS):
        organisation_upsert(
            id=f"bench-org-{number:02d}",
            name=f"Exit network {number:02d}",
            country=rng.choice(countries),
        )
    return list(OrganisationPage.objects.order_by("pk"))


def _insert_generated(count: int, corpus: Corpus, seed: int) -> None:
    """Write `count` generated entries with bulk inserts, as real pages of the tree."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils.text import slugify
    from taggit.models import Tag
    from wagtail.models import Locale, Page

    from entries.kinds import PAGE_CLASSES
    from entries.models import EntryMetric, EntryPage, EntryRecommendation, EntryTag
    from search.documents import TERM_FACETS
    from vocabulary.models import Term
    from vocabulary.services import country_term_get_or_create

    rng = random.Random(seed)
    organisations = _organisations_ensure(rng)
    # A few organisations publish most: a skewed choice, as in a real network.
    org_weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(organisations))]
    for organisation in organisations:
        if organisation.country:
            country_term_get_or_create(organisation.country)
    terms = {facet: list(Term.objects.filter(facet=facet)) for facet in TERM_FACETS}
    content_types = {
        kind: ContentType.objects.get_for_model(cls) for kind, cls in PAGE_CLASSES.items()
    }
    locale = Locale.get_default()
    taken = {slug.casefold() for slug in Tag.objects.values_list("slug", flat=True)}
    taken |= {name.casefold() for name in Tag.objects.values_list("name", flat=True)}
    new_tags = {}
    for word in sorted(set(rng.sample(corpus.words["en"], 200))):
        if slugify(word) and slugify(word) not in taken and word not in taken:
            new_tags[slugify(word)] = Tag(name=word, slug=slugify(word))
    Tag.objects.bulk_create(list(new_tags.values()))
    tag_ids = list(Tag.objects.values_list("pk", flat=True))
    next_step = {}
    for organisation in organisations:
        last = organisation.get_last_child()
        next_step[organisation.pk] = (int(last.path[-Page.steplen :], 36) + 1) if last else 1

    today = date(2025, 6, 1)
    batch = 2000
    for start in range(0, count, batch):
        size = min(batch, count - start)
        pages, extras = [], []
        for number in range(start, start + size):
            organisation = rng.choices(organisations, weights=org_weights)[0]
            lang = _weighted(rng, LANGUAGE_MIX)
            kind = "lesson" if rng.random() < 0.3 else "practice"
            step = next_step[organisation.pk]
            next_step[organisation.pk] += 1
            slug = f"generated-{number:06d}"
            published = today - timedelta(days=rng.randrange(3650))
            stamp = datetime(published.year, published.month, published.day, 9, tzinfo=UTC)
            title = corpus.title(rng, lang)
            pages.append(
                Page(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    path=Page._get_path(organisation.path, organisation.depth + 1, step),
                    depth=organisation.depth + 1,
                    numchild=0,
                    url_path=f"{organisation.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=stamp,
                    last_published_at=stamp,
                    content_type=content_types[kind],
                    locale=locale,
                    translation_key=uuid.uuid4(),
                )
            )
            started = rng.randint(2010, 2024) if rng.random() < 0.85 else None
            paragraphs = [corpus.paragraph(rng, lang, rng.randint(2, 4)) for _ in range(3)]
            fields = {
                "organisation_id": organisation.pk,
                "language": lang,
                "visibility": _weighted(rng, VISIBILITY_MIX),
                "summary": corpus.paragraph(rng, lang, 2)[:1500],
                "body": "".join(f"<p>{p}</p>" for p in paragraphs),
                "assessment": rng.choice(["good", "promising", "less-good", ""]),
                "evaluation": rng.choice(["none", "internal", "external", ""]),
                "status": rng.choice(["active", "pilot", "ended"]),
                "started": started,
                "ended": min(started + rng.randint(0, 6), 2025)
                if started and rng.random() < 0.3
                else None,
                "published_date": published,
                "counsellor_choice": rng.choice([True, False, None]),
            }
            if kind == "lesson":
                fields["context"] = corpus.paragraph(rng, lang, 2)
                fields["what_worked"] = corpus.paragraph(rng, lang, 2)
                fields["what_did_not_work"] = corpus.paragraph(rng, lang, 1)
            if rng.random() < 0.2:
                fields["safety"] = corpus.paragraph(rng, lang, 1)
            chosen_terms = {
                facet: rng.sample(values, k=min(len(values), rng.choice([0, 1, 1, 2, 3])))
                for facet, values in terms.items()
                if facet != "countries"
            }
            extras.append((kind, fields, chosen_terms, organisation.country))
        with transaction.atomic():
            Page.objects.bulk_create(pages)
            entry_rows, child_rows = {"practice": [], "lesson": []}, {}
            links = {facet: [] for facet in TERM_FACETS}
            tag_links, metrics, recommendations = [], [], []
            entry_fields = EntryPage._meta.local_concrete_fields
            countries = {term.slug: term for term in terms["countries"]}
            for page, (kind, fields, chosen_terms, country) in zip(pages, extras, strict=True):
                cls = PAGE_CLASSES[kind]
                entry = cls(page_ptr_id=page.pk, entrypage_ptr_id=page.pk, kind=kind, **fields)
                entry_rows[kind].append(
                    [f.get_db_prep_save(f.pre_save(entry, True), connection) for f in entry_fields]
                )
                child_rows.setdefault(kind, []).append([page.pk])
                for facet, chosen in chosen_terms.items():
                    through = getattr(EntryPage, facet).through
                    links[facet] += [through(entrypage_id=page.pk, term_id=t.pk) for t in chosen]
                if country in countries:
                    through = EntryPage.countries.through
                    links["countries"].append(
                        through(entrypage_id=page.pk, term_id=countries[country].pk)
                    )
                tag_links += [
                    EntryTag(content_object_id=page.pk, tag_id=tag)
                    for tag in rng.sample(tag_ids, k=rng.randint(0, 3))
                ]
                if rng.random() < 0.4:
                    metrics.append(
                        EntryMetric(
                            entry_id=page.pk,
                            sort_order=0,
                            name=rng.choice(corpus.words[fields["language"]]),
                            value=rng.randint(1, 500),
                        )
                    )
                if kind == "lesson":
                    recommendations.append(
                        EntryRecommendation(
                            entry_id=page.pk,
                            sort_order=0,
                            text=corpus.paragraph(rng, fields["language"], 1),
                        )
                    )
            columns = ", ".join(f'"{f.column}"' for f in entry_fields)
            marks = ", ".join(["%s"] * len(entry_fields))
            with connection.cursor() as cursor:
                for kind, rows in entry_rows.items():
                    if not rows:
                        continue
                    cursor.executemany(
                        f"INSERT INTO {EntryPage._meta.db_table} ({columns}) VALUES ({marks})",  # noqa: S608
                        rows,
                    )
                    cls = PAGE_CLASSES[kind]
                    (ptr,) = cls._meta.local_concrete_fields
                    cursor.executemany(
                        f'INSERT INTO {cls._meta.db_table} ("{ptr.column}") VALUES (%s)',  # noqa: S608
                        child_rows[kind],
                    )
            for facet, rows in links.items():
                getattr(EntryPage, facet).through.objects.bulk_create(rows)
            EntryTag.objects.bulk_create(tag_links)
            EntryMetric.objects.bulk_create(metrics)
            EntryRecommendation.objects.bulk_create(recommendations)
    for organisation in organisations:
        Page.objects.filter(pk=organisation.pk).update(numchild=organisation.get_children_count())


# --- indexing --------------------------------------------------------------------------


@dataclass
class IndexingResult:
    count: int
    seconds: float
    bulk_seconds: float

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def _index() -> IndexingResult:
    from search import client
    from search.indexing import index_rebuild

    engine = client.engine_get(even_if_down=True)
    spent = [0.0]
    original = engine.bulk

    def timed_bulk(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    engine.bulk = timed_bulk
    try:
        started = time.perf_counter()
        report = index_rebuild()
        seconds = time.perf_counter() - started
    finally:
        del engine.bulk
    return IndexingResult(report.count, seconds, spent[0])


# --- servers and load ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Portal:
    """gunicorn serving the portal on 127.0.0.1, started and stopped by the bench."""

    def __init__(self, database: Path, engine_url: str | None, workers: int, log: Path):
        self.port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "SEARCH_INDEX_PREFIX": PREFIX,
        }
        env.pop("SEARCH_URL", None)
        if engine_url:
            env["SEARCH_URL"] = engine_url
        self.log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "portal.wsgi",
                f"--workers={workers}",
                f"--bind=127.0.0.1:{self.port}",
                "--timeout=120",
                "--keep-alive=30",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                connection.request("GET", "/api/v1/search/?q=warmup")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn did not answer; see {log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def _query_mix(corpus: Corpus, rng: random.Random, total: int) -> list[tuple[str, dict]]:
    """`total` different queries in the shares of KIND_SHARES: words and vocabulary labels
    of the demo entries in their languages, facet values of the vocabulary, typos made by
    dropping or swapping letters, and words that exist nowhere."""
    from vocabulary.models import Term

    values: dict[str, list[str]] = {}
    for facet, slug in Term.objects.filter(facet__in=FACETED).values_list("facet", "slug"):
        values.setdefault(facet, []).append(slug)

    def language() -> str:
        return rng.choices(("en", "fr", "de"), weights=(2, 1, 1))[0]

    def words(lang: str) -> str:
        if rng.random() < 0.5:
            return f"{rng.choice(corpus.labels[lang])} {rng.choice(corpus.words[lang])}".lower()
        return " ".join(rng.sample(corpus.words[lang], 2))

    def selections(count: int) -> dict:
        chosen = {}
        for facet in rng.sample(sorted(values), count):
            chosen[facet] = sorted(rng.sample(values[facet], min(len(values[facet]), 2)))
        return chosen

    def typo(word: str) -> str:
        at = rng.randrange(1, len(word) - 2)
        if rng.random() < 0.5:
            return word[:at] + word[at + 1 :]
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]

    def nonsense() -> str:
        return "".join(rng.choice("bcdfghjklmnpqvwxz") + rng.choice("aeiouy") for _ in range(4))

    make = {
        "text": lambda: {"q": words(language())},
        "text+2 facets": lambda: {"q": rng.choice(corpus.words[language()]), **selections(2)},
        "facets only": lambda: selections(rng.choice((2, 3))),
        "typo": lambda: {
            "q": " ".join(
                typo(word) for word in rng.sample(corpus.words[language()], rng.choice((1, 2)))
            )
        },
        "0-result": lambda: {"q": f"{nonsense()} {nonsense()}"},
    }
    kinds = [kind for kind, share in KIND_SHARES for _ in range(share)]
    seen: set[str] = set()
    mix: list[tuple[str, dict]] = []
    while len(mix) < total:
        kind = kinds[len(mix) % len(kinds)]
        params = make[kind]()
        key = urlencode(params, doseq=True)
        if key not in seen:
            seen.add(key)
            mix.append((kind, params))
    return mix


@dataclass
class Request:
    kind: str
    method: str
    path: str
    # Engine requests: (path, body) pairs sent in turn (a search, then maybe "did you mean").
    bodies: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class Measured:
    timings: list[float]  # milliseconds, one per logical request
    kinds: list[str]
    took: list[int]  # engine-reported milliseconds (direct requests only)
    seconds: float
    errors: int

    def percentile(self, share: float, kind: str | None = None) -> float:
        values = sorted(
            t for t, k in zip(self.timings, self.kinds, strict=True) if kind in (None, k)
        )
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def _load(host: str, port: int, requests: list[Request], concurrency: int, total: int) -> Measured:
    """`total` requests over `concurrency` keep-alive connections, each walking the mix
    from its own starting point."""
    per_thread = max(1, total // concurrency)
    timings: list[float] = []
    kinds: list[str] = []
    took: list[int] = []
    errors = [0]
    lock = threading.Lock()

    def worker(offset: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=120)
        mine, my_kinds, my_took = [], [], []
        for step in range(per_thread):
            request = requests[(offset + step) % len(requests)]
            started = time.perf_counter()
            try:
                for path, body in request.bodies or [(request.path, None)]:
                    headers = {}
                    if body:
                        ndjson = path.endswith("_msearch")
                        headers["Content-Type"] = (
                            "application/x-ndjson" if ndjson else "application/json"
                        )
                    connection.request(request.method, path, body=body, headers=headers)
                    response = connection.getresponse()
                    payload = response.read()
                    if response.status != 200:
                        raise RuntimeError(f"{response.status}: {payload[:200]!r}")
                    if body:
                        my_took.append(json.loads(payload)["took"])
            except (OSError, RuntimeError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=120)
                continue
            mine.append((time.perf_counter() - started) * 1000)
            my_kinds.append(request.kind)
        connection.close()
        with lock:
            timings.extend(mine)
            kinds.extend(my_kinds)
            took.extend(my_took)

    threads = [
        threading.Thread(target=worker, args=(index * len(requests) // concurrency,))
        for index in range(concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Measured(timings, kinds, took, time.perf_counter() - started, errors[0])


def _requests(mix: list[tuple[str, dict]]) -> tuple[list[Request], list[Request]]:
    """The mix as portal requests and as the engine requests the portal sends for them."""
    from entries.visibility import ANONYMOUS
    from search.builders import did_you_mean_body, search_bodies
    from search.client import alias_name
    from search.query import search_query_from_params

    index = f"/{alias_name()}"
    portal, engine = [], []
    for kind, params in mix:
        portal.append(Request(kind, "GET", "/api/v1/search/?" + urlencode(params, doseq=True)))
        query = search_query_from_params(
            {k: v if isinstance(v, list) else [v] for k, v in params.items()}
        )
        lines = "".join(f"{{}}\n{json.dumps(body)}\n" for body in search_bodies(ANONYMOUS, query))
        bodies = [(f"{index}/_msearch", lines.encode())]
        if kind == "0-result":
            bodies.append(
                (f"{index}/_search", json.dumps(did_you_mean_body(ANONYMOUS, query)).encode())
            )
        engine.append(Request(kind, "POST", f"{index}/_msearch", bodies))
    return portal, engine


# --- report ---------------------------------------------------------------------------


def _machine() -> list[str]:
    import django
    import opensearchpy
    import wagtail

    memory = "?"
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu = "?"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return [
        f"- CPU: {os.cpu_count()} cores ({cpu}), memory {memory}",
        f"- Python {platform.python_version()}, Django {django.get_version()}, "
        f"Wagtail {wagtail.__version__}, opensearch-py {opensearchpy.__versionstr__}, "
        f"SQLite {__import__('sqlite3').sqlite_version}",
    ]


def _engine_facts(url: str) -> str:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 9200, timeout=10)
    connection.request("GET", "/")
    version = json.loads(connection.getresponse().read())["version"]["number"]
    connection.request("GET", "/_nodes/jvm")
    nodes = json.loads(connection.getresponse().read())["nodes"]
    heaps = [node["jvm"]["mem"]["heap_max_in_bytes"] / 2**30 for node in nodes.values()]
    jvm = next(iter(nodes.values()))["jvm"]["version"]
    return (
        f"- OpenSearch {version} ({len(nodes)} node, heap {heaps[0]:.1f} GiB, Java {jvm}) at {url}"
    )


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _row(name: str, c: int, measured: Measured) -> str:
    rate = len(measured.timings) / measured.seconds if measured.seconds else 0
    took = f"{statistics.median(measured.took):.0f}" if measured.took else ""
    return (
        f"| {name} | {c} | {len(measured.timings)} | {measured.percentile(0.5):.1f} | "
        f"{measured.percentile(0.95):.1f} | {measured.percentile(0.99):.1f} | {rate:.1f} | "
        f"{took} | {measured.errors} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument(
        "--engine-url", default=os.environ.get("SEARCH_URL") or "http://127.0.0.1:9200"
    )
    parser.add_argument("--requests", type=int, default=400, help="per engine/portal run")
    parser.add_argument("--database-requests", type=int, default=40, help="per fallback run")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--indexing-runs", type=int, default=3, help="rebuilds measured (the median counts)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the database and index")
    parser.add_argument(
        "--database",
        type=Path,
        help="reuse the SQLite database of an earlier --keep run (same --entries): "
        "skips generating entries",
    )
    parser.add_argument(
        "--skip-database-fallback",
        action="store_true",
        help="do not measure the database fallback (it takes seconds per request)",
    )
    args = parser.parse_args()

    command = (
        "make bench"
        if os.environ.get("MAKELEVEL")
        else " ".join([".venv/bin/python", "bench/search_bench.py", *sys.argv[1:]])
    )
    folder = Path(tempfile.mkdtemp(prefix="search-bench-"))
    database = args.database.resolve() if args.database else folder / "bench.sqlite3"
    _setup(database, args.engine_url)
    notes: list[str] = [f"- load average at start: {_load_average()}"]
    servers: list[Portal] = []
    try:
        started = time.perf_counter()
        if args.database:
            # What importing the entries would have loaded (the interchange schema, its
            # validators): a rebuild run after an import finds them loaded.
            import entries.interchange  # noqa: F401

            real = _real_entry_lines()
            generated = max(0, args.entries - len(real))
        else:
            real = _load_real_entries()
            corpus = Corpus.build(real)
            generated = max(0, args.entries - len(real))
            _insert_generated(generated, corpus, args.seed)
        from django.db import connection

        connection.close()
        setup_seconds = time.perf_counter() - started
        print(f"database: {len(real)} imported + {generated} generated in {setup_seconds:.0f} s")

        # Rebuilds of the same entries vary by a fifth from one run to the next on a shared
        # machine: the median of several is the figure, every run is listed.
        runs = []
        for _ in range(args.indexing_runs):
            runs.append(_index())
            print(
                f"indexing: {runs[-1].count} entries in {runs[-1].seconds:.1f} s "
                f"({runs[-1].rate:.0f}/s; bulk requests {runs[-1].bulk_seconds:.1f} s)",
                flush=True,
            )
        indexing = sorted(runs, key=lambda run: run.rate)[len(runs) // 2]
        corpus = Corpus.build(real)
        engine_parts = urlsplit(args.engine_url)

        rows: list[str] = []
        measured: dict[tuple[str, int], Measured] = {}
        with_engine = Portal(database, args.engine_url, args.workers, folder / "portal.log")
        servers.append(with_engine)
        without_engine = Portal(database, None, args.workers, folder / "fallback.log")
        servers.append(without_engine)
        plan = [
            ("engine direct", engine_parts.hostname, engine_parts.port, args.requests),
            ("portal, engine", "127.0.0.1", with_engine.port, args.requests),
            ("portal, database fallback", "127.0.0.1", without_engine.port, args.database_requests),
        ]
        if args.skip_database_fallback:
            plan.pop()
        rng = random.Random(args.seed)
        for name, host, port, total in plan:
            direct = name == "engine direct"

            def requests_for(count: int, direct: bool = direct) -> list[Request]:
                portal_requests, engine_requests = _requests(_query_mix(corpus, rng, count))
                return engine_requests if direct else portal_requests

            warm_up = requests_for(len(KIND_SHARES))  # other queries than those measured
            _load(host, port, warm_up, 1, len(warm_up))
            for concurrency in (1, 8):
                notes.append(f"- load average before {name} c={concurrency}: {_load_average()}")
                count = max(total, concurrency)
                requests = requests_for(count)
                result = _load(host, port, requests, concurrency, count)
                measured[(name, concurrency)] = result
                rows.append(_row(name, concurrency, result))
                print(rows[-1], flush=True)

        kinds = [kind for kind, _ in KIND_SHARES]
        kind_rows = []
        for kind in kinds:
            cells = [
                f"{measured[(name, 1)].percentile(0.5, kind):.1f}" if (name, 1) in measured else "—"
                for name in ("engine direct", "portal, engine", "portal, database fallback")
            ]
            kind_rows.append(f"| {kind} | " + " | ".join(cells) + " |")
        direct, portal, fallback = (
            measured[("engine direct", 1)],
            measured[("portal, engine", 1)],
            measured.get(("portal, database fallback", 1)),
        )
        overhead = portal.percentile(0.5) / direct.percentile(0.5)
        faceted = [
            fallback.percentile(0.5, kind) / portal.percentile(0.5, kind)
            if fallback is not None
            else float("nan")
            for kind in ("facets only", "text+2 facets")
        ]
        p95 = measured[("portal, engine", 8)].percentile(0.95)

        def verdict(ok: bool, measured: bool = True) -> str:
            if not measured:
                return "not measured (--skip-database-fallback)"
            return "met" if ok else "**missed**"

        targets = [
            f"| indexing (index_rebuild, median) | ≥ 2,000 entries/s | {indexing.rate:,.0f}/s | "
            f"{verdict(indexing.rate >= 2000)} |",
            f"| search API p95, concurrency 8 | < 100 ms | {p95:.1f} ms | {verdict(p95 < 100)} |",
            f"| portal p50 / engine p50 (c=1) | < 1.5 | {overhead:.2f} | "
            f"{verdict(overhead < 1.5)} |",
            f"| database p50 / engine p50, facets only (c=1) | ≥ 10 | {faceted[0]:.1f} | "
            f"{verdict(faceted[0] >= 10, fallback is not None)} |",
            f"| database p50 / engine p50, text + 2 facets (c=1) | ≥ 10 | {faceted[1]:.1f} | "
            f"{verdict(faceted[1] >= 10, fallback is not None)} |",
        ]
        targets = [row.replace("| nan |", "| — |") for row in targets]
    finally:
        for server in servers:
            server.stop()
        if not args.keep:
            from search.indexing import index_drop_all

            try:
                index_drop_all()
            except Exception as error:  # noqa: BLE001 — the report matters more
                print(f"could not drop the bench index: {error}", file=sys.stderr)
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"kept: {folder}")

    notes.append(f"- load average at end: {_load_average()}")
    report = "\n".join(
        [
            "# Search benchmark",
            "",
            f"Produced by `bench/search_bench.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
            "",
            "## Machine",
            "",
            *_machine(),
            _engine_facts(args.engine_url),
            f"- portal: gunicorn, {args.workers} sync workers, settings `portal.settings.test` "
            "(DEBUG off), SQLite database; the load generator (Python threads, keep-alive "
            "connections) runs on the same cores",
            *notes,
            "",
            "## Command",
            "",
            "```",
            command,
            "```",
            "",
            "## Data",
            "",
            f"{indexing.count:,} entries: {len(real)} real entries imported from the fixtures "
            f"and {generated:,} generated ones (en 50 %, fr 25 %, de 25 %; public 80 %, members "
            f"15 %, organisation 5 %; {ORGANISATIONS} organisations), written with bulk "
            "inserts into the page tables (see the script's docstring), "
            + (
                "by an earlier run with `--keep`, reused here with `--database`"
                if args.database
                else f"in {setup_seconds:.0f} s"
            )
            + ". Every document is built by the real `DocumentBuilder` "
            "during the real `index_rebuild`.",
            "",
            "## Targets",
            "",
            "| measure | target | measured | |",
            "| --- | --- | --- | --- |",
            *targets,
            "",
            f"Indexing, {len(runs)} rebuilds: "
            + ", ".join(f"{run.rate:,.0f}/s" for run in runs)
            + f"; the median one: {indexing.count:,} entries in {indexing.seconds:.1f} s; "
            f"bulk requests to the engine took {indexing.bulk_seconds:.1f} s in all "
            "(summed over the requests in flight at once, so it may exceed the elapsed "
            "time; the database reads and document building overlap with them).",
            "",
            "## Latency",
            "",
            "Query mix: "
            + ", ".join(f"{kind} {share}/10" for kind, share in KIND_SHARES)
            + "; every request a different query, drawn from the demo entries' words and "
            "vocabulary labels in their languages (en 2 : fr 1 : de 1), facet values of the "
            "vocabulary, typos (a letter dropped or two swapped) and made-up words, so that "
            "no engine or portal cache answers a repeated request. Each target and "
            "concurrency gets its own draw, after a warm-up with other queries. Examples of "
            "the shapes: "
            + "; ".join(
                f"{kind} `{urlencode(params, doseq=True)}`" for kind, params in QUERY_EXAMPLES
            )
            + ". Anonymous caller (public entries only). `engine direct` sends the request "
            "the portal builds for the query to `_msearch` (hits and counts; for a 0-result "
            "query the did-you-mean body to `_search` too, as the portal does).",
            "",
            "| target | concurrency | requests | p50 ms | p95 ms | p99 ms | req/s "
            "| engine took p50 ms | errors |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            "Median per kind of query at concurrency 1 (ms):",
            "",
            "| kind | engine direct | portal, engine | portal, database fallback |",
            "| --- | --- | --- | --- |",
            *kind_rows,
            "",
        ]
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    existing = args.output.read_text("utf-8") if args.output.exists() else ""
    marker = "\n## How to run"
    tail = existing[existing.index(marker) :] if marker in existing else ""
    args.output.write_text(report + tail, "utf-8")
    print(report)


if __name__ == "__main__":
    main()
