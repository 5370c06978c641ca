from django import template
from django.utils.translation import get_language

from portal import languages

register = template.Library()


def _versions(context) -> list[languages.LanguageVersion]:
    # A view whose links carry only its own parameters, not the whole query string (the
    # search page, which leaves out what it did not recognise), names them `params`.
    return languages.language_versions(context["request"], context.get("params"))


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[languages.LanguageVersion]:
    """The page being shown, in each language of the portal."""
    return _versions(context) if "request" in context else []


@register.simple_tag
def language_links(url: str) -> list[languages.LanguageVersion]:
    """An address in each language, for the pages that link the languages rather than
    show the switcher's form (which needs the page's address and a per-request token)."""
    return languages.versions_of(url)


# Crawlers and the sitemap protocol take addresses of up to 2,048 characters: a longer one
# (a search of a hundred filters) names no page worth listing, and is not repeated.
ALTERNATE_MAX_LENGTH = 2048


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of each alternate of the page (languages.page_alternates),
    given the entry's `translations` on an entry page."""
    if "request" not in context:
        return []
    here = _versions(context)[0].url
    if len(here) > ALTERNATE_MAX_LENGTH:
        return []
    alternates = languages.page_alternates(here, context.get("translations") or (), get_language())
    request = context["request"]
    return [(code, request.build_absolute_uri(url)) for code, url in alternates.items()]
