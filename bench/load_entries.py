"""Generated entries written with bulk inserts, as real pages of the tree.

Creating tens of thousands of pages through Wagtail's page API takes hours, so generated
entries are written with bulk inserts into the same tables (page, entry page,
practice/lesson page, term links, tags, metrics, recommendations), with tree paths
computed as treebeard computes them: what the portal then reads is indistinguishable from
imported pages.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

from corpus import Corpus

ORGANISATIONS = 50
LANGUAGE_MIX = (("en", 0.5), ("fr", 0.25), ("de", 0.25))
VISIBILITY_MIX = (("public", 0.8), ("members", 0.15), ("organisation", 0.05))
COUNTRY_CODES = ["DE", "FR", "AT", "BE", "NL", "FI", "PT", "SE", "DK", "GB", "IE", "IT", "ES"]
BATCH = 2000
TODAY = date(2025, 6, 1)


def _weighted(rng: random.Random, mix) -> str:
    roll, total = rng.random(), 0.0
    for value, weight in mix:
        total += weight
        if roll < total:
            return value
    return mix[-1][0]


def page_classes_by_kind() -> dict:
    """The page model of each kind of entry, as the models name their kind."""
    from django.apps import apps

    return {
        model.entry_kind: model for model in apps.get_models() if getattr(model, "entry_kind", "")
    }


def organisations_ensure(rng: random.Random) -> list:
    """Member organisations up to ORGANISATIONS, through the real service."""
    from organisations.models import OrganisationPage
    from organisations.services import organisation_upsert

    existing = OrganisationPage.objects.count()
    for number in range(existing, ORGANISATIONS):
        organisation_upsert(
            id=f"bench-org-{number:02d}",
            name=f"Exit network {number:02d}",
            country=rng.choice(COUNTRY_CODES),
        )
    return list(OrganisationPage.objects.order_by("pk"))


def _tags_ensure(rng: random.Random, corpus: Corpus) -> list[int]:
    """Tags from 200 English words of the corpus, beside those the fixtures have."""
    from django.utils.text import slugify
    from taggit.models import Tag

    taken = {slug.casefold() for slug in Tag.objects.values_list("slug", flat=True)}
    taken |= {name.casefold() for name in Tag.objects.values_list("name", flat=True)}
    new_tags = {}
    for word in sorted(set(rng.sample(corpus.words["en"], 200))):
        if slugify(word) and slugify(word) not in taken and word not in taken:
            new_tags[slugify(word)] = Tag(name=word, slug=slugify(word))
    Tag.objects.bulk_create(list(new_tags.values()))
    return list(Tag.objects.values_list("pk", flat=True))


def _entry_fields(
    rng: random.Random, corpus: Corpus, kind: str, lang: str, organisation, published: date
) -> dict:
    """The entry page's own columns, drawn at random."""
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
        "ended": min(started + rng.randint(0, 6), 2025) if started and rng.random() < 0.3 else None,
        "published_date": published,
        "counsellor_choice": rng.choice([True, False, None]),
    }
    if kind == "lesson":
        fields["context"] = corpus.paragraph(rng, lang, 2)
        fields["what_worked"] = corpus.paragraph(rng, lang, 2)
        fields["what_did_not_work"] = corpus.paragraph(rng, lang, 1)
    if rng.random() < 0.2:
        fields["safety"] = corpus.paragraph(rng, lang, 1)
    return fields


def entries_insert_generated(count: int, corpus: Corpus, seed: int) -> None:
    """Write `count` generated entries with bulk inserts, as real pages of the tree."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale, Page

    from vocabulary.facets import COUNTRIES, TERM_FACET_NAMES
    from vocabulary.models import Term
    from vocabulary.services import country_term_get_or_create

    rng = random.Random(seed)
    organisations = organisations_ensure(rng)
    # A few organisations publish most: a skewed choice, as in a real network.
    org_weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(organisations))]
    for organisation in organisations:
        if organisation.country:
            country_term_get_or_create(organisation.country)
    terms = {facet: list(Term.objects.filter(facet=facet)) for facet in TERM_FACET_NAMES}
    page_classes = page_classes_by_kind()
    content_types = {
        kind: ContentType.objects.get_for_model(cls) for kind, cls in page_classes.items()
    }
    locale = Locale.get_default()
    tag_ids = _tags_ensure(rng, corpus)
    next_step = {}
    for organisation in organisations:
        last = organisation.get_last_child()
        next_step[organisation.pk] = (int(last.path[-Page.steplen :], 36) + 1) if last else 1

    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        pages, extras = [], []
        for number in range(start, start + size):
            organisation = rng.choices(organisations, weights=org_weights)[0]
            lang = _weighted(rng, LANGUAGE_MIX)
            kind = "lesson" if rng.random() < 0.3 else "practice"
            step = next_step[organisation.pk]
            next_step[organisation.pk] += 1
            slug = f"generated-{number:06d}"
            published = TODAY - timedelta(days=rng.randrange(3650))
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
            fields = _entry_fields(rng, corpus, kind, lang, organisation, published)
            chosen_terms = {
                facet: rng.sample(values, k=min(len(values), rng.choice([0, 1, 1, 2, 3])))
                for facet, values in terms.items()
                if facet != COUNTRIES
            }
            extras.append((kind, fields, chosen_terms, organisation.country))
        _batch_write(rng, corpus, pages, extras, terms, tag_ids, page_classes)
    organisations_numchild_repair()


def organisations_numchild_repair() -> None:
    """Set each organisation page's count of children from the tree. Wagtail finds a page
    below a parent only when the parent's numchild is not 0; counting through the
    organisation objects loaded before the inserts (treebeard's get_children_count) gave 0
    for every organisation that had no entry then, and its generated entries answered 404."""
    from wagtail.models import Page

    from organisations.models import OrganisationPage

    for organisation in OrganisationPage.objects.all():
        children = Page.objects.filter(
            path__startswith=organisation.path, depth=organisation.depth + 1
        ).count()
        Page.objects.filter(pk=organisation.pk).update(numchild=children)


def _batch_write(rng, corpus, pages, extras, terms, tag_ids, page_classes) -> None:
    """One batch of generated pages and their entry rows, term links, tags, metrics and
    recommendations, in one transaction. The entry rows are written with raw SQL, since
    bulk_create refuses models of multi-table inheritance."""
    from django.db import connection, transaction
    from wagtail.models import Page

    from entries.models import EntryMetric, EntryPage, EntryRecommendation, EntryTag
    from vocabulary.facets import COUNTRIES, TERM_FACET_NAMES

    with transaction.atomic():
        Page.objects.bulk_create(pages)
        entry_rows, child_rows = {"practice": [], "lesson": []}, {}
        links = {facet: [] for facet in TERM_FACET_NAMES}
        tag_links, metrics, recommendations = [], [], []
        entry_fields = EntryPage._meta.local_concrete_fields
        countries = {term.slug: term for term in terms[COUNTRIES]}
        for page, (kind, fields, chosen_terms, country) in zip(pages, extras, strict=True):
            cls = page_classes[kind]
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
                links[COUNTRIES].append(
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
                cls = page_classes[kind]
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
