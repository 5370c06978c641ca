from django.core.paginator import Paginator
from django.shortcuts import render

from entries.selectors import FILTER_NAMES, entries_filtered, entry_list
from entries.visibility import reader_for

PAGE_SIZE = 20
TITLES = {None: "All entries", "practice": "Practices", "lesson": "Lessons learned"}


def entry_index(request, kind: str | None = None):
    filters = {name: request.GET.getlist(name) for name in FILTER_NAMES}
    if kind is not None:
        filters.pop("kind")
    entries = entries_filtered(entry_list(reader=reader_for(request.user), kind=kind), filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "entries/entry_index.html",
        {"kind": kind, "title": TITLES[kind], "page_obj": page, "entries": page.object_list},
    )
