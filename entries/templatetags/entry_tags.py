"""What templates of other apps show of entries: the kind's label, a country's name and
the entries an organisation page lists, read for the request's user (organisations import
no entries)."""

from django import template
from django.db.models import QuerySet
from django.utils.translation import get_language

from entries.models import EntryPage
from entries.selectors import entry_list, entry_translations, organisation_list
from entries.visibility import reader_for
from organisations.models import OrganisationPage
from vocabulary.facets import Kind
from vocabulary.selectors import country_name as _country_name

register = template.Library()


@register.filter
def kind_label(kind: str) -> str:
    return dict(Kind.choices).get(kind, kind)


@register.filter
def country_name(code: str) -> str:
    """An organisation's country, named in the reader's language."""
    return _country_name(code, get_language() or "en")


@register.simple_tag(takes_context=True)
def organisations_listed(context) -> QuerySet[OrganisationPage]:
    """The live organisations, each with the number of its entries the reader may see."""
    return organisation_list(reader=reader_for(context["request"].user))


@register.simple_tag(takes_context=True)
def entries_published_by(context, organisation: OrganisationPage) -> QuerySet[EntryPage]:
    return entry_list(reader=reader_for(context["request"].user), organisation=organisation)


@register.simple_tag(takes_context=True)
def entries_with_partner(context, organisation: OrganisationPage) -> QuerySet[EntryPage]:
    return entry_list(reader=reader_for(context["request"].user), partner=organisation)


@register.simple_tag(takes_context=True)
def entry_other_versions(context, entry: EntryPage) -> list[EntryPage]:
    """The other versions of the entry's translation group that the reader may see."""
    return entry_translations(reader=reader_for(context["request"].user), entry=entry)
