"""The entry: one page type shared by practices and lessons, and its ordered child items.

Practices and lessons carry the same interchange fields (a practice may record what worked,
a lesson may carry metrics), so they share one concrete model and differ in admin layout,
template and kind. Queries across both kinds go through EntryPage.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from organisations.models import OrganisationPage, country_validator, id_validator, slug_validate
from vocabulary.facets import TERM_FACETS, Assessment, Evaluation, FacetDefinition, Kind, Status

BODY_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link"]

language_validator = RegexValidator(r"^[a-z]{2}$", _("Use an ISO 639-1 code such as en, fr or de."))
year_validators = [MinValueValidator(1950), MaxValueValidator(2100)]


class Language(models.TextChoices):
    """The languages the admin offers an editor for an entry. Not the field's choices: an
    import keeps any ISO 639-1 code, as the interchange format allows."""

    EN = "en", _("English")
    FR = "fr", _("French")
    DE = "de", _("German")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members of any organisation")
    ORGANISATION = "organisation", _("Publishing organisation only")


class EntryTag(TaggedItemBase):
    content_object = ParentalKey("entries.EntryPage", related_name="tagged_items")


def _terms(facet: FacetDefinition) -> ParentalManyToManyField:
    return ParentalManyToManyField(
        "vocabulary.Term",
        blank=True,
        related_name=f"{facet.name}_entries",
        limit_choices_to={"facet": facet.name},
        verbose_name=facet.heading,
    )


def published_day(published_date, first_published_at):
    """When an entry was published: the publisher's date, else the day it went live."""
    if published_date:
        return published_date
    return first_published_at.date() if first_published_at else None


class EntryPage(Page):
    # modelsearch's own handlers would update Wagtail's admin search index on every save:
    # entries/signals.py calls them for the saves that are not deferred.
    search_auto_update = False

    organisation = models.ForeignKey(
        OrganisationPage, on_delete=models.PROTECT, editable=False, related_name="entries"
    )
    # The page type's kind, kept as a column so that filters and counts read it like any
    # other facet; set from the page class on every save.
    kind = models.CharField(max_length=16, choices=Kind.choices, editable=False, db_index=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        default=Language.EN,
        validators=[language_validator],
    )
    # The id (slug) of the original; the admin offers the organisation's entries to choose.
    translation_of = models.CharField(
        _("translation of"),
        max_length=100,
        blank=True,
        validators=[id_validator],
        help_text=_("The entry of the same organisation that this one translates."),
    )
    visibility = models.CharField(
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.MEMBERS,
        help_text=_("Who may read this entry. Safety and operational details stay with members."),
    )
    summary = models.TextField(
        max_length=1500,
        help_text=_("Plain text for policymakers: what, for whom, what was learned."),
    )
    body = RichTextField(features=BODY_FEATURES, blank=True)

    partners = ParentalManyToManyField(OrganisationPage, blank=True, related_name="partner_entries")
    # The vocabulary facets (domains, formats, ..., countries) are added below the class,
    # one field per facet of the registry.
    tags = ClusterTaggableManager(through=EntryTag, blank=True, verbose_name=_("Free keywords"))

    counsellor_choice = models.BooleanField(
        null=True,
        blank=True,
        help_text=_("Clients can choose the type of counsellor (peer, age, gender, ...)."),
    )
    assessment = models.CharField(max_length=16, choices=Assessment.choices, blank=True)
    evaluation = models.CharField(max_length=16, choices=Evaluation.choices, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    started = models.PositiveSmallIntegerField(null=True, blank=True, validators=year_validators)
    ended = models.PositiveSmallIntegerField(null=True, blank=True, validators=year_validators)

    outcomes = models.TextField(blank=True)
    context = models.TextField(blank=True, help_text=_("The situation the lesson comes from."))
    what_worked = models.TextField(blank=True)
    what_did_not_work = models.TextField(blank=True)
    audience_practitioners = models.BooleanField(_("for practitioners"), default=False)
    audience_policymakers = models.BooleanField(_("for policymakers"), default=False)
    ethics = models.TextField(blank=True)
    safety = models.TextField(
        blank=True, help_text=_("Data security, confidentiality, physical safety, supervision.")
    )

    source_title = models.CharField(max_length=500, blank=True)
    source_date = models.DateField(null=True, blank=True)
    source_url = models.URLField(_("source URL"), max_length=2000, blank=True)
    published_date = models.DateField(
        null=True, blank=True, help_text=_("When the publishing organisation first published it.")
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    is_creatable = False
    parent_page_types = ["organisations.OrganisationPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        indexes = [
            models.Index(fields=["visibility", "language"]),
            # The versions of a page of search results are found by it.
            models.Index(fields=["translation_of"]),
        ]

    # What practices and lessons set: the kind their pages are.
    entry_kind: str = ""

    @property
    def entry_id(self) -> str:
        return self.slug

    def clean(self):
        super().clean()
        slug_validate(self.slug)
        if self.started and self.ended and self.ended < self.started:
            raise ValidationError({"ended": _("The end year comes before the start year.")})

    def save(self, *args, **kwargs):
        # The publishing organisation is the parent page; keep the column in step with the
        # tree so that listings and the (organisation, id) identity need no tree walk.
        if self.path:
            self.organisation_id = self.get_parent().pk
        # A page read as a plain EntryPage keeps the kind it was saved with.
        if type(self).entry_kind:
            self.kind = type(self).entry_kind
        super().save(*args, **kwargs)

    def get_sitemap_urls(self, request=None):
        # The sitemap is public: it lists only what an anonymous visitor may read.
        if self.visibility != Visibility.PUBLIC:
            return []
        return super().get_sitemap_urls(request)

    def serve(self, request, *args, **kwargs):
        from entries.selectors import entry_is_visible
        from entries.visibility import reader_for

        if not entry_is_visible(reader=reader_for(request.user), entry=self):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from entries.pages import entry_detail_context
        from entries.reviews import peer_review_of, peer_review_voices
        from entries.visibility import reader_for

        context = super().get_context(request, *args, **kwargs)
        context.update(entry_detail_context(reader=reader_for(request.user), entry=self))
        context["review_voices"] = peer_review_voices(user=request.user, entry=self)
        context["my_review"] = peer_review_of(user=request.user, entry=self)
        return context


# One field of vocabulary terms per term facet of the registry (vocabulary/facets.py), named
# as the facet: a new facet needs its registry entry and a migration, not an edit here.
for _facet in TERM_FACETS:
    EntryPage.add_to_class(_facet.name, _terms(_facet))
del _facet


class EntryMetric(Orderable):
    entry = ParentalKey(EntryPage, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=200)
    value = models.FloatField()
    unit = models.CharField(max_length=50, blank=True)
    note = models.TextField(max_length=1000, blank=True)

    def __str__(self):
        return self.name

    @property
    def display_value(self) -> str:
        return f"{self.value:g}"


class EntryLink(Orderable):
    entry = ParentalKey(EntryPage, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=2000)

    def __str__(self):
        return self.title or self.url


class EntryRecommendation(Orderable):
    entry = ParentalKey(EntryPage, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField(max_length=5000)

    def __str__(self):
        return self.text[:80]


class EntryRelation(Orderable):
    """A related entry, named as the interchange format names it, so that an entry may
    point to one that is imported later or lives in another portal."""

    entry = ParentalKey(EntryPage, on_delete=models.CASCADE, related_name="relations")
    target_organisation = models.CharField(max_length=100, validators=[id_validator])
    target_id = models.CharField(_("entry id"), max_length=100, validators=[id_validator])

    class Meta(Orderable.Meta):
        indexes = [models.Index(fields=["target_organisation", "target_id"])]

    def __str__(self):
        return f"{self.target_organisation}/{self.target_id}"


class PeerReview(models.Model):
    """A colleague from another organisation read the entry and gave a short verdict."""

    entry = models.ForeignKey(EntryPage, on_delete=models.CASCADE, related_name="peer_reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # None when the reviewer spoke as network staff rather than for an organisation.
    reviewer_organisation = models.ForeignKey(
        OrganisationPage,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="peer_reviews_given",
    )
    verdict = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A colleague's verdict counts once; they edit it rather than repeat it.
            models.UniqueConstraint(fields=["entry", "reviewer"], name="one_review_per_reviewer")
        ]

    def __str__(self):
        return f"{self.entry} reviewed by {self.reviewer_label}"

    @property
    def reviewer_label(self) -> str:
        if self.reviewer_organisation:
            return self.reviewer_organisation.title
        return str(_("Network staff"))


class EntryPartnerName(Orderable):
    """A partner an entry names that is not a member organisation of the portal. An import
    records it as the entry gave it and never makes it an organisation page: only network
    staff create those, and the entry exports it back as the partner it named."""

    entry = ParentalKey(EntryPage, on_delete=models.CASCADE, related_name="partner_names")
    partner_id = models.CharField(_("partner id"), max_length=100, validators=[id_validator])
    name = models.CharField(max_length=255)
    country = models.CharField(max_length=2, blank=True, validators=[country_validator])
    url = models.URLField(blank=True)

    def __str__(self):
        return self.name
