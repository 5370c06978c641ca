from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from entries.reviews import peer_review_record
from entries.selectors import (
    FilterError,
    entries_filtered,
    entries_with_other_versions,
    entry_list,
    entry_visible_by_pk,
    filters_from_params,
)
from entries.visibility import reader_for

PAGE_SIZE = 20
TITLES = {None: _("All entries"), "practice": _("Practices"), "lesson": _("Lessons learned")}


def entry_index(request, kind: str | None = None):
    try:
        filters = filters_from_params(request.GET)
    except FilterError as error:
        context = {"kind": kind, "title": TITLES[kind], "error": error}
        return render(request, "entries/entry_index.html", context, status=400)
    if kind is not None:
        filters.pop("kind")
    reader = reader_for(request.user)
    entries = entries_filtered(entry_list(reader=reader, kind=kind), filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    entries = entries_with_other_versions(reader=reader, entries=page.object_list)
    return render(
        request,
        "entries/entry_index.html",
        {"kind": kind, "title": TITLES[kind], "page_obj": page, "entries": entries},
    )


@require_POST
def peer_review(request, page_id: int):
    """Record a peer review from the entry page; the entry must be visible to the reviewer."""
    entry = entry_visible_by_pk(reader=reader_for(request.user), pk=page_id)
    if entry is None or not request.user.is_authenticated:
        raise Http404
    try:
        peer_review_record(
            user=request.user,
            entry=entry,
            voice=request.POST.get("voice", ""),
            verdict=request.POST.get("verdict", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("Thank you: your peer review is recorded and shown."))
    return redirect(entry.url + "#peer-review")
