"""Admin layout of an entry. Both kinds open with what identifies the entry and its verdict
(assessment, evaluation, status); practices then lead with outcomes, lessons with what was
learned. Vocabulary terms are ticked, each facet with a word on what it means."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.models import Page

from entries.forms import EntryPageForm
from vocabulary.facets import COUNTRIES, TERM_FACETS

_identity = [
    *Page.content_panels,
    FieldRowPanel([FieldPanel("language"), FieldPanel("translation_of")]),
    FieldPanel("visibility"),
    FieldPanel("summary"),
    FieldRowPanel([FieldPanel("assessment"), FieldPanel("evaluation"), FieldPanel("status")]),
]
_vocabulary = [
    FieldPanel(
        facet.name,
        help_text=facet.help_text,
        # The countries' field is the form's own (entries/forms.py): every ISO country.
        widget=None if facet.name == COUNTRIES else forms.CheckboxSelectMultiple,
        classname="entry-countries" if facet.name == COUNTRIES else "",
    )
    for facet in TERM_FACETS
]
_classification = [
    MultiFieldPanel(_vocabulary, heading=_("Vocabulary")),
    FieldPanel("tags"),
    FieldPanel("partners"),
    InlinePanel(
        "partner_names",
        heading=_("Partners outside the portal"),
        label=_("Partner"),
        help_text=_("Partners named by an import that are not member organisations."),
    ),
]
_assessment = [
    FieldRowPanel([FieldPanel("started"), FieldPanel("ended")]),
    FieldPanel("counsellor_choice"),
    FieldPanel("outcomes"),
    InlinePanel("metrics", heading=_("Metrics"), label=_("Metric")),
]
_lessons = [
    FieldPanel("context"),
    FieldPanel("what_worked"),
    FieldPanel("what_did_not_work"),
    InlinePanel("recommendations", heading=_("Recommendations"), label=_("Recommendation")),
    FieldRowPanel(
        [FieldPanel("audience_practitioners"), FieldPanel("audience_policymakers")],
        heading=_("Audience"),
    ),
]
_care = [FieldPanel("ethics"), FieldPanel("safety")]
_sources = [
    InlinePanel("links", heading=_("Links"), label=_("Link")),
    MultiFieldPanel(
        [FieldPanel("source_title"), FieldPanel("source_date"), FieldPanel("source_url")],
        heading=_("Source"),
    ),
    InlinePanel("relations", heading=_("Related entries"), label=_("Related entry")),
    # Kept by the portal when the entry is submitted or published (entries/forms.py).
    FieldRowPanel(
        [
            FieldPanel("published_date", read_only=True),
            FieldPanel("updated_at", read_only=True),
        ]
    ),
]


def entry_edit_handler(*, lesson: bool) -> TabbedInterface:
    if lesson:
        main = [*_identity, *_lessons, FieldPanel("body")]
        details = _assessment
    else:
        main = [*_identity, FieldPanel("body"), *_assessment]
        details = _lessons
    return TabbedInterface(
        [
            ObjectList(main, heading=_("Content")),
            ObjectList(_classification, heading=_("Classification")),
            ObjectList(details + _care, heading=_("Details and care")),
            ObjectList(_sources, heading=_("Links and sources")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ],
        base_form_class=EntryPageForm,
    )
