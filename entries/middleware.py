"""Wagtail's redirects, kept from revealing what the visitor may not read."""

from urllib.parse import urlparse

from django.conf import settings
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.utils.deprecation import MiddlewareMixin
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect

from entries.models import EntryPage
from entries.selectors import entry_is_visible, organisations_readable
from entries.visibility import reader_for
from organisations.models import OrganisationPage


def _language_variants(path: str) -> list[str]:
    """The path, then the same path without a language prefix and under each: Wagtail
    records an old URL with the language of whoever renamed the page, and it must lead to
    the page from every language."""
    codes = [code for code, _name in settings.LANGUAGES]
    first, _slash, rest = path.lstrip("/").partition("/")
    bare = "/" + rest if first in codes else path
    variants = [bare, *(f"/{code}{bare}" for code in codes)]
    return [path, *(variant for variant in variants if variant != path)]


def _redirect_for(request) -> Redirect | None:
    """The redirect Wagtail's middleware would follow for this path, in any language: with
    its query string, else without."""
    path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
    for candidate in dict.fromkeys((path, urlparse(path).path)):
        for variant in _language_variants(candidate):
            if redirect := get_redirect(request, variant):
                return redirect
    return None


def _may_follow(request, redirect: Redirect) -> bool:
    page = redirect.redirect_page
    if page is None:
        return True
    if not page.live:
        return False
    reader = reader_for(request.user)
    if OrganisationPage.objects.filter(pk=page.pk).exists():
        return organisations_readable(reader=reader).filter(pk=page.pk).exists()
    entry = EntryPage.objects.filter(pk=page.pk).first()
    return entry is None or entry_is_visible(reader=reader, entry=entry)


class VisibleRedirectMiddleware(MiddlewareMixin):
    """Wagtail's RedirectMiddleware, following a redirect only for someone who may read the
    page it leads to. When an organisation-only entry's slug changes, Wagtail keeps its old
    URL as a redirect; followed for anyone, it would tell an outsider that the entry exists
    and where it went. Everyone else gets the same 404 as for a missing entry. The same
    holds for an organisation whose page the visitor may not open."""

    def process_response(self, request, response):
        if response.status_code != 404:
            return response
        redirect = _redirect_for(request)
        if redirect is None or redirect.link is None or not _may_follow(request, redirect):
            return response
        if redirect.is_permanent:
            return HttpResponsePermanentRedirect(redirect.link)
        return HttpResponseRedirect(redirect.link)
