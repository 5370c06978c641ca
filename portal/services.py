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
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or _tree_root()
        # Deleting the placeholder deletes its Site too; a new default one follows.
        for placeholder in root.get_children().filter(slug="home"):
            placeholder.delete()
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home", intro=HOME_INTRO))
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    # The admin names its site after this record ("localhost" when it has no name).
    Site.objects.filter(root_page=home, site_name="").update(site_name=settings.WAGTAIL_SITE_NAME)
    index = OrganisationIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=OrganisationIndexPage(title=ORGANISATIONS_TITLE, slug="organisations")
        )
    return index


def _tree_root() -> Page:
    """Wagtail's migrations make the tree's root; a flushed database (transactional tests,
    a reset) has none, so make it again the way they do."""
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    return Page.add_root(instance=Page(title="Root", slug="root"))
