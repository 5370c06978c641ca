"""What templates of other apps show of entries: the kind's label, a country's name, and
what an organisation page shows of its entries and reviews, read for the request's user
(organisations import no entries)."""

from django import template
from django.db.models import QuerySet
from django.utils.translation import get_language

from entries.models import Visibility
from entries.pages import OrganisationProfile, organisation_profile
from entries.selectors import organisation_list
from entries.visibility import reader_for
from organisations.models import OrganisationPage
from vocabulary.facets import Kind
from vocabulary.selectors import country_name as _country_name

register = template.Library()


@register.filter
def kind_label(kind: str) -> str:
    return dict(Kind.choices).get(kind, kind)


@register.filter
def visibility_label(visibility: str) -> str:
    """Who may read an entry of this visibility ("Members of any organisation")."""
    return Visibility(visibility).label


@register.filter
def country_name(code: str) -> str:
    """An organisation's country, named in the reader's language."""
    return _country_name(code, get_language() or "en")


@register.simple_tag(takes_context=True)
def organisations_listed(context) -> QuerySet[OrganisationPage]:
    """The live organisations, each with the number of its entries the reader may see."""
    return organisation_list(reader=reader_for(context["request"].user))


@register.simple_tag(takes_context=True)
def organisation_profile_for(context, organisation: OrganisationPage) -> OrganisationProfile:
    """What the organisation's page shows of its entries and reviews to the request's user."""
    reader = reader_for(context["request"].user)
    return organisation_profile(reader=reader, organisation=organisation)
