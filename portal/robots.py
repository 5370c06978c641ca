"""robots.txt: where crawlers are welcome (the pages the sitemap lists) and where they are
not. Every search, comparison, filtered overview or briefing is a page computed for its
query, and their combinations are endless (a crawl from the home page finds thousands
within a few links); on the database search each costs up to seconds."""

import posixpath

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import override
from django.views.decorators.http import require_GET

from portal.languages import language_codes

# The addresses of computed pages, by URL name: the page and everything under it.
COMPUTED = ["search", "compare", "briefing_pdf"]
# Pages whose plain address is welcome and whose filtered versions are not.
FILTERED = ["overview:overview", "partners", "briefing"]
# Sign-in and the reader's own pages: the folder of each.
PRIVATE = ["accounts:login", "follow:saved_searches"]


def robots_rules() -> list[str]:
    rules = ["Disallow: /admin/", "Disallow: /api/", f"Disallow: {reverse('language_choose')}"]
    for language in language_codes():
        with override(language):
            rules += [f"Disallow: {reverse(name)}" for name in COMPUTED]
            rules += [f"Disallow: {reverse(name)}?" for name in FILTERED]
            rules += [
                f"Disallow: {posixpath.dirname(reverse(name).rstrip('/'))}/" for name in PRIVATE
            ]
    return rules


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        *robots_rules(),
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
