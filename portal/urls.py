from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from entries import views as entry_views
from entries.admin_visibility import overriding_urls as admin_visibility_urls
from portal.api import api
from portal.errors import page_not_found, permission_denied
from portal.languages import language_choose
from portal.robots import robots_txt
from portal.sitemaps import LanguageSitemap
from search import views as search_views

# Outside the language prefix: the admin (in each user's profile language), the API and the
# files (the contract's addresses), the sitemap (it lists every language), robots.txt and the
# switcher.
urlpatterns = [
    # Before the admin's own: views that filter what a user of another organisation sees.
    path("admin/", include(admin_visibility_urls)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": LanguageSitemap}}),
    path("robots.txt", robots_txt),
    path("language/", language_choose, name="language_choose"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Public pages and sign-in, under /en/, /fr/ or /de/ (English too: one link shows the same
# page to everyone). An address without a prefix redirects to the reader's language.
urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.urls")),
    path("account/searches/", include("follow.urls")),
    path("entries/", entry_views.entry_index, name="entry_index"),
    path("practices/", entry_views.entry_index, {"kind": "practice"}, name="practice_index"),
    path("lessons/", entry_views.entry_index, {"kind": "lesson"}, name="lesson_index"),
    path("entries/<int:page_id>/peer-review/", entry_views.peer_review, name="peer_review"),
    path("search/", search_views.search_page, name="search"),
    path("partners/", include("partners.urls")),
    path("search/feed/", search_views.SearchFeed(), name="search_feed"),
    path("search/autocomplete/", search_views.search_autocomplete, name="search_autocomplete"),
    path("overview/", include("overview.urls")),
    path("", include("briefings.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

# Errors in the portal's layout (500.html is rendered by Django's own handler, without the
# database or the request).
handler404 = page_not_found
handler403 = permission_denied
