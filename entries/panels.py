"""Admin layout of an entry. Practices lead with outcomes, lessons with what was learned."""

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
from vocabulary.facets import TERM_FACET_NAMES

_identity = [
    *Page.content_panels,
    FieldRowPanel([FieldPanel("language"), FieldPanel("translation_of")]),
    FieldPanel("visibility"),
    FieldPanel("summary"),
]
_classification = [
    MultiFieldPanel([FieldPanel(name) for name in TERM_FACET_NAMES], heading=_("Vocabulary")),
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
    FieldRowPanel([FieldPanel("assessment"), FieldPanel("evaluation"), FieldPanel("status")]),
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
            ObjectList(main, heading=_("Content")),
            ObjectList(_classification, heading=_("Classification")),
            ObjectList(details + _care, heading=_("Details and care")),
            ObjectList(_sources, heading=_("Links and sources")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ],
        base_form_class=EntryPageForm,
    )
