from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vocabulary.facets import TERM_FACETS


class Term(models.Model):
    """A term of a vocabulary facet. Countries are terms too, keyed by ISO code."""

    facet = models.CharField(
        max_length=32,
        choices=[(facet.name, facet.heading) for facet in TERM_FACETS],
        db_index=True,
    )
    slug = models.CharField(
        max_length=100, help_text=_("Stable id used in the interchange format and in URLs.")
    )
    label_en = models.CharField(_("English label"), max_length=255)
    label_fr = models.CharField(_("French label"), max_length=255, blank=True)
    label_de = models.CharField(_("German label"), max_length=255, blank=True)
    synonyms = models.TextField(
        blank=True,
        help_text=_("One per line. Import, search and autocomplete understand them."),
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["facet", "sort_order", "label_en"]
        constraints = [
            models.UniqueConstraint(fields=["facet", "slug"], name="unique_term_per_facet")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.label_in(get_language() or "en")

    def label_in(self, language: str) -> str:
        return getattr(self, f"label_{language[:2]}", "") or self.label_en

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]

    @property
    def names(self) -> list[str]:
        """Every string that means this term: id, labels in each language, synonyms."""
        candidates = [self.slug, self.label_en, self.label_fr, self.label_de, *self.synonym_list]
        return [name for name in candidates if name]
