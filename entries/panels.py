"""Admin layout of an entry. Practices lead with outcomes, lessons with what was learned."""

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
from vocabulary.facets import TERM_FACET_NAMES

_identity = [
    *Page.content_panels,
    FieldRowPanel([FieldPanel("language"), FieldPanel("translation_of")]),
    FieldPanel("visibility"),
    FieldPanel("summary"),
]
_classification = [
    MultiFieldPanel([FieldPanel(name) for name in TERM_FACET_NAMES], heading="Vocabulary"),
    FieldPanel("tags"),
    FieldPanel("partners"),
    InlinePanel(
        "partner_names",
        heading="Partners outside the portal",
        label="Partner",
        help_text="Partners named by an import that are not member organisations.",
    ),
]
_assessment = [
    FieldRowPanel([FieldPanel("assessment"), FieldPanel("evaluation"), FieldPanel("status")]),
    FieldRowPanel([FieldPanel("started"), FieldPanel("ended")]),
    FieldPanel("counsellor_choice"),
    FieldPanel("outcomes"),
    InlinePanel("metrics", heading="Metrics", label="Metric"),
]
_lessons = [
    FieldPanel("context"),
    FieldPanel("what_worked"),
    FieldPanel("what_did_not_work"),
    InlinePanel("recommendations", heading="Recommendations", label="Recommendation"),
    FieldRowPanel(
        [FieldPanel("audience_practitioners"), FieldPanel("audience_policymakers")],
        heading="Audience",
    ),
]
_care = [FieldPanel("ethics"), FieldPanel("safety")]
_sources = [
    InlinePanel("links", heading="Links", label="Link"),
    MultiFieldPanel(
        [FieldPanel("source_title"), FieldPanel("source_date"), FieldPanel("source_url")],
        heading="Source",
    ),
    InlinePanel("relations", heading="Related entries", label="Related entry"),
    FieldRowPanel([FieldPanel("published_date"), FieldPanel("updated_at")]),
]


def entry_edit_handler(*, lesson: bool) -> TabbedInterface:
    main = [*_identity, FieldPanel("body")]
    if lesson:
        main += _lessons
        details = _assessment
    else:
        main += _assessment
        details = _lessons
    return TabbedInterface(
        [
            ObjectList(main, heading="Content"),
            ObjectList(_classification, heading="Classification"),
            ObjectList(details + _care, heading="Details and care"),
            ObjectList(_sources, heading="Links and sources"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ],
        base_form_class=EntryPageForm,
    )
