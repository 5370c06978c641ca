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


# Crawlers and the sitemap protocol take addresses of up to 2,048 characters: a longer one
# (a search of a hundred filters) names no page worth listing, and is not repeated.
ALTERNATE_MAX_LENGTH = 2048


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of each language version, and x-default: the address
    without a language, which sends each reader to theirs. On an entry page, a language the
    entry is translated into points at that translation (framed in its language) rather
    than at this version with the interface translated."""
    if "request" not in context:
        return []
    versions = _versions(context)
    if len(versions[0].url) > ALTERNATE_MAX_LENGTH:
        return []
    alternates = {version.code: version.url for version in versions}
    for translation in context.get("translations") or ():
        language = translation.language
        prefix = language if language in alternates else get_language()
        alternates[language] = languages.url_in_language(translation.url, prefix)
    alternates["x-default"] = languages.url_in_language(versions[0].url, None)
    request = context["request"]
    return [(code, request.build_absolute_uri(url)) for code, url in alternates.items()]
