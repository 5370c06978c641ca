"""The sitemap: every page an anonymous reader may see, in each language."""

from urllib.parse import urljoin

from django.utils.functional import cached_property
from wagtail.contrib.sitemaps import Sitemap

from entries.models import EntryPage
from entries.selectors import entry_translations_all, organisations_readable
from entries.visibility import ANONYMOUS
from organisations.models import OrganisationPage
from portal.languages import language_codes, page_alternates, url_in_language


class LanguageSitemap(Sitemap):
    """Wagtail's sitemap (live pages without a view restriction; an entry names itself only
    when it is public), with one <url> per page and language, each naming as hreflang
    alternates what the page's own head names (portal.languages.page_alternates). An entry
    is not listed in a language it is translated into: its translation is, there."""

    def items(self):
        # An organisation a visitor may not open (no entry of its own or as a partner that
        # a visitor may read) answers 404: it is not listed either.
        hidden = OrganisationPage.objects.exclude(
            pk__in=organisations_readable(reader=ANONYMOUS).values("pk")
        )
        return super().items().exclude(pk__in=hidden.values("pk"))

    @cached_property
    def translations(self) -> dict[str, list[EntryPage]]:
        """The other versions a visitor may read of each translated entry, for all at once,
        by the entry's address (the location Wagtail's sitemap gives it)."""
        return {
            entry.get_full_url(self.request): versions
            for entry, versions in entry_translations_all(reader=ANONYMOUS)
            if versions
        }

    def _urls(self, page, protocol, domain):
        urls = []
        for url_info in super()._urls(page, protocol, domain):
            location = url_info["location"]
            for code in language_codes():
                alternates = [
                    {"lang_code": lang_code, "location": urljoin(location, url)}
                    for lang_code, url in page_alternates(
                        location, self.translations.get(location, ()), code
                    ).items()
                ]
                here = url_in_language(location, code)
                if {"lang_code": code, "location": here} in alternates:
                    urls.append({**url_info, "location": here, "alternates": alternates})
        return urls
