from django import template

from portal import languages

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[languages.LanguageVersion]:
    """The page being shown, in each language of the portal."""
    request = context.get("request")
    return languages.language_versions(request) if request is not None else []


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of each language version, and x-default: the address
    without a language, which sends each reader to theirs."""
    request = context.get("request")
    if request is None:
        return []
    alternates = [(version.code, version.url) for version in languages.language_versions(request)]
    alternates.append(("x-default", languages.url_in_language(request.get_full_path(), None)))
    return [(code, request.build_absolute_uri(url)) for code, url in alternates]
