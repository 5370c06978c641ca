"""A base for behaviour tests on a handful of entries that differ only in their words: no
facet values, so that nothing but the text decides what is found and in which order. A
test class names its `organisation` and `entries`, and runs on the database or the live
engine (`engine_name`, checked on every search)."""

from django.utils import translation

from entries.services import entry_upsert
from entries.visibility import ANONYMOUS
from portal.services import site_ensure
from search.api import search_entries
from search.query import SearchQuery
from tests.factories import entry_data
from vocabulary.services import vocabulary_load

NO_FACETS = dict.fromkeys(["domains", "formats", "countries", "target_groups", "tags"])
# Entries that say little, in French and in German: the words a test asks for are rare
# among them.
QUIET_ENTRIES = [
    {
        "id": f"suivi-{number}",
        "language": "fr",
        "title": f"Suivi de sortie, projet {number}",
        "summary": "Les jeunes sont accompagnés en ligne.",
        "body": f"Le projet a duré {number} ans.",
    }
    for number in range(1, 7)
] + [
    {
        "id": f"projekt-{number}",
        "language": "de",
        "title": f"Projekt {number} der Fachstelle",
        "summary": "Die Fachstelle begleitet Jugendliche online.",
        "body": f"Das Projekt lief {number} Jahre.",
    }
    for number in range(1, 7)
]


class WordingBehaviour:
    engine_name = ""
    organisation: dict = {}
    entries: list[dict] = []

    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        for overrides in cls.entries:
            entry_upsert(
                data=entry_data(**{"organisation": cls.organisation, **NO_FACETS, **overrides})
            )

    def ids(self, text: str, language: str = "en") -> list[str]:
        """The ids of the entries an anonymous reader finds, in order."""
        with translation.override(language):
            results = search_entries(reader=ANONYMOUS, query=SearchQuery(text=text))
        self.assertEqual(results.engine, self.engine_name)
        return [hit.id for hit in results.results]
