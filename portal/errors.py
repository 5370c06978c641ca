"""The error pages, in the portal's layout and the reader's language (the locale middleware
has activated the address's language before the error is answered).

A 404 never says whether something exists at the address: its page is the same for every
address of one shape, so a members-only entry answers exactly as a missing one."""

import re

from django.shortcuts import render

from portal.languages import split_language

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
