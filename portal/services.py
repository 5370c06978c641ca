from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop
from wagtail.models import Locale, Page, Site

from organisations.models import OrganisationIndexPage
from portal.models import HomePage

# Stored in English, as the site's own words, and shown in the reader's language: the
# templates translate these page fields through the catalogues (an editor's own wording,
# which the catalogues do not know, is shown as written).
HOME_TITLE = gettext_noop("Online exit work: practices and lessons")
HOME_INTRO = gettext_noop(
    "Member organisations of the network share what has worked online in helping people "
    "leave violent extremism, what has not, and what they learned on the way."
)
ORGANISATIONS_TITLE = gettext_noop("Member organisations")


@transaction.atomic
def site_ensure() -> OrganisationIndexPage:
    """Make sure the home page, the default site and /organisations/ exist; idempotent.

    Wagtail's first migration leaves a placeholder page under the root; it is replaced by
    the portal's home page the first time this runs.
    """
    hostname, port = _public_address()
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or _tree_root()
        # Deleting the placeholder deletes its Site too; a new default one follows.
        for placeholder in root.get_children().filter(slug="home"):
            placeholder.delete()
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home", intro=HOME_INTRO))
        Site.objects.create(root_page=home, is_default_site=True, hostname=hostname, port=port)
    # The sitemap and every full page address are made from this record: it follows the
    # portal's public address (BASE_URL) each time the database is migrated.
    # (Saved, not updated, so that Wagtail forgets the site's root paths it cached.)
    moved = Site.objects.filter(root_page=home, is_default_site=True).exclude(
        hostname=hostname, port=port
    )
    for site in moved:
        site.hostname, site.port = hostname, port
        site.save()
    # The admin names its site after this record ("localhost" when it has no name).
    Site.objects.filter(root_page=home, site_name="").update(site_name=settings.WAGTAIL_SITE_NAME)
    index = OrganisationIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=OrganisationIndexPage(title=ORGANISATIONS_TITLE, slug="organisations")
        )
    return index


def _public_address() -> tuple[str, int]:
    """The host and port of BASE_URL, as Wagtail's Site holds them (its root URL is https
    on port 443)."""
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    return address.hostname, address.port or (443 if address.scheme == "https" else 80)


def _tree_root() -> Page:
    """Wagtail's migrations make the tree's root; a flushed database (transactional tests,
    a reset) has none, so make it again the way they do."""
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    return Page.add_root(instance=Page(title="Root", slug="root"))
