"""Wagtail's redirects, kept from revealing what the visitor may not read."""

from urllib.parse import urlparse

from wagtail.contrib.redirects.middleware import RedirectMiddleware, get_redirect
from wagtail.contrib.redirects.models import Redirect

from entries.models import EntryPage
from entries.selectors import entry_is_visible
from entries.visibility import reader_for


def _redirect_for(request) -> Redirect | None:
    """The redirect Wagtail's middleware follows for this request, found the same way."""
    path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
    return get_redirect(request, path) or get_redirect(request, urlparse(path).path)


def _may_follow(request, redirect: Redirect) -> bool:
    page = redirect.redirect_page
    if page is None:
        return True
    if not page.live:
        return False
    entry = EntryPage.objects.filter(pk=page.pk).first()
    return entry is None or entry_is_visible(reader=reader_for(request.user), entry=entry)


class VisibleRedirectMiddleware(RedirectMiddleware):
    """Follows a redirect only for someone who may read the page it leads to. When an
    organisation-only entry's slug changes, Wagtail keeps its old URL as a redirect; followed
    for anyone, it would tell an outsider that the entry exists and where it went. Everyone
    else gets the same 404 as for a missing entry."""

    def process_response(self, request, response):
        redirected = super().process_response(request, response)
        if redirected is response:
            return response
        redirect = _redirect_for(request)
        if redirect is not None and not _may_follow(request, redirect):
            return response
        return redirected
