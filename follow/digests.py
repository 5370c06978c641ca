"""A digest e-mail: what is new in one saved search, in the member's language, with a link
that stops it without signing in."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from follow.models import SavedSearch
from follow.selectors import News, unsubscribe_token


def absolute(url: str) -> str:
    """An address of the portal as a mail client must have it (BASE_URL in front)."""
    return url if url.startswith(("http://", "https://")) else settings.WAGTAILADMIN_BASE_URL + url


def unsubscribe_url(saved_search: SavedSearch) -> str:
    token = unsubscribe_token(saved_search=saved_search)
    return absolute(reverse("follow:unsubscribe", args=[token]))


def search_url(saved_search: SavedSearch) -> str:
    """The saved search on the search page, newest first (in the active language)."""
    pairs = [(key, value) for key, value in parse_qsl(saved_search.params) if key != "sort"]
    return absolute(reverse("search") + "?" + urlencode([*pairs, ("sort", "newest")]))


def digest_message(*, saved_search: SavedSearch, news: News, language: str):
    """The e-mail telling the saved search's owner what is new in it."""
    with translation.override(language):
        context = {
            "saved_search": saved_search,
            "user": saved_search.user,
            "news": news,
            "more": news.count - len(news.hits),
            "entries": [{"hit": hit, "url": absolute(hit.url)} for hit in news.hits],
            "search_url": search_url(saved_search),
            "manage_url": absolute(reverse("follow:saved_searches")),
            "unsubscribe_url": unsubscribe_url(saved_search),
            "site": settings.WAGTAIL_SITE_NAME,
        }
        subject = gettext("New in your saved search “%(name)s”") % {"name": saved_search.name}
        body = render_to_string("follow/email/digest.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[saved_search.user.email],
        headers={
            # One-click unsubscribe from the mail client (RFC 8058): a POST to the link.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return message
