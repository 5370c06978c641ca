"""The sitemap: every page an anonymous reader may see, in each language."""

from wagtail.contrib.sitemaps import Sitemap

from portal.languages import language_codes, url_in_language


class LanguageSitemap(Sitemap):
    """Wagtail's sitemap (live pages without a view restriction; an entry names itself only
    when it is public), with one <url> per page and language, each naming the others and
    x-default (the address without a language) as hreflang alternates."""

    def _urls(self, page, protocol, domain):
        urls = []
        for url_info in super()._urls(page, protocol, domain):
            location = url_info["location"]
            alternates = [
                {"lang_code": code, "location": url_in_language(location, code)}
                for code in language_codes()
            ]
            alternates.append(
                {"lang_code": "x-default", "location": url_in_language(location, None)}
            )
            urls += [
                {**url_info, "location": alternate["location"], "alternates": alternates}
                for alternate in alternates[:-1]
            ]
        return urls
