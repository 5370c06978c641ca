"""The error pages, in the portal's layout and the reader's language (the locale middleware
has activated the address's language before the error is answered).

A 404 never says whether something exists at the address: its page is the same for every
address of one shape, so a members-only entry answers exactly as a missing one."""

import re
from urllib.parse import urlsplit

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from portal.languages import language_codes, split_language

# An organisation's or an entry's address, below the language prefix: what a member may have
# been sent, and may open once signed in.
MEMBERS_MAY_OPEN = re.compile(r"^/organisations/[^/]+/(?:[^/]+/)?$")


def page_not_found(request, exception):
    _language, path = split_language(request.path)
    user = getattr(request, "user", None)
    offers_sign_in = MEMBERS_MAY_OPEN.match(path) is not None and not (
        user and user.is_authenticated
    )
    return render(request, "404.html", {"offers_sign_in": offers_sign_in}, status=404)


def permission_denied(request, exception):
    # The reason is the portal's own message (a PermissionDenied raised with words for
    # the reader), never the request's data.
    reason = str(exception) if exception and exception.args else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def _page_left(request) -> str | None:
    """The address of this site's page the refused form was sent from: the form's `next`,
    or the Referer, each only if it is a page of this site."""
    for url in (request.POST.get("next", ""), request.headers.get("Referer", "")):
        if url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(url)
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return None


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check (Django's reason is for developers, not shown): what
    to do, in the portal's layout. A reader whose browser keeps no cookies cannot use the
    language switcher's form: the page they left is linked in each language instead."""
    page_left = _page_left(request)
    context = {
        "page_left": page_left,
        "language_chosen": request.POST.get("language") in language_codes(),
    }
    return render(request, "403_csrf.html", context, status=403)
