"""The partner finder's page: a thin view over partners.selectors."""

from django.shortcuts import render
from django.utils.translation import get_language, gettext

from entries.visibility import reader_for
from partners.needs import HEADINGS, NeedError, need_from_params
from partners.selectors import need_questions, partners_ranked
from search.api import clean_text

# How many of the values the finder did not recognise its notice names (as the search's).
UNRECOGNISED_SHOWN = 3


def _unrecognised(pairs) -> dict | None:
    if not pairs:
        return None
    shown = [
        gettext("%(facet)s “%(value)s”")
        % {"facet": HEADINGS[name], "value": value if len(value) <= 40 else value[:40] + "…"}
        for name, value in ((name, clean_text(value)) for name, value in pairs[:UNRECOGNISED_SHOWN])
    ]
    if len(pairs) > UNRECOGNISED_SHOWN:
        shown.append("…")
    return {"count": len(pairs), "names": ", ".join(shown)}


def partner_finder(request):
    language = get_language()
    reader = reader_for(request.user)
    try:
        need = need_from_params(request.GET, language=language)
    except NeedError as error:
        return render(request, "partners/partners.html", {"error": error}, status=400)
    matches = partners_ranked(reader=reader, need=need)
    context = {
        "need": need,
        "questions": need_questions(reader=reader, need=need, language=language),
        "unrecognised": _unrecognised(need.unrecognised),
        "matches": matches,
    }
    return render(request, "partners/partners.html", context)
