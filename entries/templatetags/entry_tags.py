"""What templates of other apps show of entries: the kind's label, a country's name and
the entries an organisation page lists, read for the request's user (organisations import
no entries)."""

from django import template
from django.db.models import QuerySet
from django.utils.translation import get_language

from entries.models import EntryPage
from entries.selectors import entries_with_other_versions, entry_list, organisation_list
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
def entries_published_by(context, organisation: OrganisationPage) -> list[EntryPage]:
    reader = reader_for(context["request"].user)
    return entries_with_other_versions(
        reader=reader, entries=entry_list(reader=reader, organisation=organisation)
    )


@register.simple_tag(takes_context=True)
def entries_with_partner(context, organisation: OrganisationPage) -> list[EntryPage]:
    reader = reader_for(context["request"].user)
    return entries_with_other_versions(
        reader=reader, entries=entry_list(reader=reader, partner=organisation)
    )
