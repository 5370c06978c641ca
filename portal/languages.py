"""The reader's language. Public pages say theirs in the URL (/fr/search/?q=...), so that one
link shows the same page to everyone; an address without a prefix is answered in the signed-in
user's profile language, else the cookie's, else Accept-Language's, else English, and
Django's LocaleMiddleware redirects a page there. The switcher remembers a choice in the
cookie and, for a signed-in user, in the profile that Wagtail's admin reads too."""

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import LocalePrefixPattern, get_resolver
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.encoding import escape_uri_path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail.users.models import UserProfile


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def split_language(path: str) -> tuple[str | None, str]:
    """The language prefix of a path and the path without it: /fr/search/ -> (fr, /search/),
    /search/ -> (None, /search/)."""
    first, _slash, rest = path.lstrip("/").partition("/")
    if first in language_codes():
        return first, "/" + rest
    return None, path


def url_in_language(url: str, language: str | None) -> str:
    """The same address (path and query) in another language; None for no prefix."""
    parts = urlsplit(url)
    _prefix, path = split_language(parts.path or "/")
    if language is not None:
        path = f"/{language}{path}"
    return urlunsplit(parts._replace(path=path))


def page_alternates(url: str, translations: Iterable, language: str) -> dict[str, str]:
    """What a page's hreflang alternates name (hreflang -> address), the page at `url` (a
    path and query, in any language or none) being shown in `language`: the page in each
    language of the portal, and x-default, the address without a language, which sends each
    reader to theirs. An entry's `translations` (each with .language and .url) stand for it
    in their languages, framed in theirs, or in `language` if the portal does not speak it.
    The page's head and the sitemap both say this."""
    alternates = {code: url_in_language(url, code) for code in language_codes()}
    for version in translations:
        prefix = version.language if version.language in alternates else language
        alternates[version.language] = url_in_language(version.url, prefix)
    alternates["x-default"] = url_in_language(url, None)
    return alternates


def profile_language(user) -> str | None:
    """The language a signed-in user chose in their profile, if the portal speaks it."""
    if not user.is_authenticated:
        return None
    try:
        chosen = user.wagtail_userprofile.preferred_language
    except UserProfile.DoesNotExist:
        return None
    return chosen if chosen in language_codes() else None


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str  # in its own language: English, Français, Deutsch
    url: str
    current: bool


def language_versions(
    request, params: list[tuple[str, str]] | None = None
) -> list[LanguageVersion]:
    """The page the request shows, in each language of the portal: its path and query, or,
    for a page whose links carry only its own parameters (the search), those `params`."""
    here = request.get_full_path()
    if params is not None:
        here = escape_uri_path(request.path) + (f"?{urlencode(params)}" if params else "")
    return versions_of(here)


def versions_of(url: str) -> list[LanguageVersion]:
    """The address (a path and query, in any language or none) in each language of the
    portal, each language named in its own words."""
    current = translation.get_language()
    return [
        LanguageVersion(code, name, url_in_language(url, code), code == current)
        for code, name in settings.LANGUAGES
    ]


def outside_language_prefix(path: str, urlconf) -> bool:
    """Whether the path belongs to what portal/urls.py keeps outside i18n_patterns (the
    admin, the API, documents, the sitemap)."""
    return any(
        not isinstance(pattern.pattern, LocalePrefixPattern)
        and pattern.pattern.match(path.lstrip("/"))
        for pattern in get_resolver(urlconf).url_patterns
    )


class ReaderLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (the URL's prefix, the cookie, Accept-Language, English),
    with the signed-in user's profile language before the cookie when the URL names none.
    It needs request.user: it comes after AuthenticationMiddleware. A page asked for without
    a prefix is redirected to the reader's language; a 404 of the API or the admin stays a
    404."""

    def process_request(self, request):
        super().process_request(request)
        if split_language(request.path_info)[0] is None:
            chosen = profile_language(request.user)
            if chosen:
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen

    def process_response(self, request, response):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if response.status_code == 404 and outside_language_prefix(request.path_info, urlconf):
            # What LocaleMiddleware adds to an answer it does not redirect.
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)


@require_POST
def language_choose(request):
    """The switcher: go to `next` in the chosen language, and remember the choice."""
    language = request.POST.get("language", "")
    if language not in language_codes():
        return HttpResponseBadRequest()
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(url_in_language(target, language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    if request.user.is_authenticated:
        profile = UserProfile.get_for_user(request.user)
        profile.preferred_language = language
        profile.save(update_fields=["preferred_language"])
    return response
