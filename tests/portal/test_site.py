"""A migrated or flushed database has the site: the portal app makes it after migrate."""

import io

import pytest
from django.core.management import call_command
from wagtail.models import Site

from organisations.models import OrganisationIndexPage, OrganisationPage
from organisations.services import NoOrganisationIndexError, organisation_upsert
from portal.models import HomePage


def _site_is_there() -> None:
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page.specific == home
    assert OrganisationIndexPage.objects.child_of(home).get().url_path == "/home/organisations/"


@pytest.mark.django_db
def test_a_migrated_database_has_the_home_page_the_site_and_organisations():
    _site_is_there()


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_has_them_again():
    call_command("flush", interactive=False, verbosity=0)
    _site_is_there()


@pytest.mark.django_db
def test_organisations_without_their_index_page_ask_for_a_migrate():
    OrganisationIndexPage.objects.all().delete()
    with pytest.raises(NoOrganisationIndexError, match="manage.py migrate"):
        organisation_upsert(id="new-org", name="New organisation")


@pytest.mark.django_db
def test_the_sitemap_names_pages_at_the_portals_public_address(client, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://portal.example.org"
    call_command("migrate", verbosity=0)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://portal.example.org/en/</loc>" in sitemap
    assert "localhost" not in sitemap


@pytest.mark.django_db
def test_the_demo_organisations_say_who_they_are_and_keep_an_editors_words(client, settings):
    settings.SEARCH_URL = None
    call_command("load_initial_data", stdout=io.StringIO())
    page = client.get("/en/organisations/querweg/").content.decode()
    assert "Demo organisation (fictional)." in page
    querweg = OrganisationPage.objects.get(slug="querweg")
    querweg.description = "Our own words."
    querweg.save_revision().publish()
    call_command("load_initial_data", stdout=io.StringIO())
    assert OrganisationPage.objects.get(slug="querweg").description == "Our own words."
    described = OrganisationPage.objects.exclude(description="")
    assert described.count() == OrganisationPage.objects.count() == 22
