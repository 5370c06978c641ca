"""Saving a search and managing saved searches: the member's own page, and clear errors for
what cannot be saved."""

from django.test import TestCase

from follow.models import Frequency, SavedSearch
from follow.services import MAX_SAVED_SEARCHES
from organisations.services import membership_set
from portal.services import site_ensure
from vocabulary.services import vocabulary_load

PAGE = "/en/account/searches/"
SAVE = "/en/account/searches/save/"


class SavedSearchPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        cls.member = membership_set(username="mia", organisation_id="alpha", role="member").user
        cls.other = membership_set(username="oli", organisation_id="beta", role="member").user

    def setUp(self):
        self.client.force_login(self.member)

    def save(self, **data):
        return self.client.post(SAVE, {"name": "Chat", "frequency": "weekly", **data})

    def test_the_search_page_offers_to_save_the_search_to_signed_in_readers_only(self):
        page = self.client.get("/en/search/", {"q": "chat", "formats": "chat", "page": "1"})
        self.assertContains(page, "Save this search")
        self.assertContains(page, 'name="search" value="q=chat&amp;formats=chat"')
        self.client.logout()
        self.assertNotContains(self.client.get("/en/search/", {"q": "chat"}), "Save this search")

    def test_a_member_saves_a_search_and_sees_it_on_their_page(self):
        response = self.save(search="q=chat&formats=chat&page=3", frequency="daily")
        self.assertRedirects(response, PAGE, fetch_redirect_response=False)
        saved = SavedSearch.objects.get(user=self.member)
        self.assertEqual(
            (saved.name, saved.params, saved.frequency, saved.language),
            ("Chat", "q=chat&formats=chat", "daily", "en"),
        )
        page = self.client.get(PAGE)
        self.assertContains(page, "Saved “Chat”.")
        self.assertContains(page, 'href="/en/search/?q=chat&amp;formats=chat"')
        self.assertContains(page, "No digest sent yet.")
        # Another member's page does not show it.
        self.client.force_login(self.other)
        self.assertNotContains(self.client.get(PAGE), "formats=chat")

    def test_a_search_address_copied_from_the_browser_is_understood(self):
        self.save(search="https://portal.example.org/fr/search/?q=famille&ideologies=far-right#r")
        self.assertEqual(
            SavedSearch.objects.get(user=self.member).params, "q=famille&ideologies=far-right"
        )

    def test_what_cannot_be_saved_is_refused_with_a_clear_error(self):
        cases = [
            ({"search": "q=chat&utm_source=mail"}, "it has unknown parameters: utm_source"),
            ({"search": "year_from=abc"}, "year_from must be an integer"),
            ({"name": "x" * 101}, "at most 100 characters"),
            ({"name": "   "}, "This field is required"),
            ({"frequency": "hourly"}, "Select a valid choice"),
            ({"search": "q=" + "a" * 2001}, "too long to save"),
        ]
        for data, error in cases:
            with self.subTest(data=str(data)[:40]):
                response = self.save(**data)
                self.assertContains(response, error, status_code=400)
                self.assertContains(response, "There is a problem", status_code=400)
        self.assertFalse(SavedSearch.objects.exists())

    def test_names_are_unique_and_the_number_of_saved_searches_is_bounded(self):
        self.save()
        self.assertContains(
            self.save(), "already have a saved search of that name", status_code=400
        )
        SavedSearch.objects.bulk_create(
            SavedSearch(user=self.member, name=f"Search {n}") for n in range(MAX_SAVED_SEARCHES - 1)
        )
        response = self.save(name="One too many")
        self.assertContains(
            response, f"You have {MAX_SAVED_SEARCHES} saved searches", status_code=400
        )
        self.assertEqual(SavedSearch.objects.filter(user=self.member).count(), MAX_SAVED_SEARCHES)

    def test_a_member_renames_changes_the_digest_and_deletes(self):
        saved = SavedSearch.objects.create(user=self.member, name="Chat", params="q=chat")
        SavedSearch.objects.create(user=self.member, name="Family", params="q=family")
        change = f"{PAGE}{saved.pk}/"
        self.assertRedirects(
            self.client.post(change, {"name": "Chat services", "frequency": "daily"}), PAGE
        )
        saved.refresh_from_db()
        self.assertEqual((saved.name, saved.frequency), ("Chat services", Frequency.DAILY))
        response = self.client.post(change, {"name": "Family", "frequency": "daily"})
        self.assertContains(response, "already have a saved search of that name", status_code=400)
        self.assertRedirects(self.client.post(f"{change}delete/"), PAGE)
        self.assertFalse(SavedSearch.objects.filter(pk=saved.pk).exists())

    def test_another_members_saved_search_cannot_be_changed_or_deleted(self):
        theirs = SavedSearch.objects.create(user=self.other, name="Theirs", params="q=chat")
        change = f"{PAGE}{theirs.pk}/"
        self.assertEqual(
            self.client.post(change, {"name": "Mine", "frequency": "none"}).status_code, 404
        )
        self.assertEqual(self.client.post(f"{change}delete/").status_code, 404)
        theirs.refresh_from_db()
        self.assertEqual(theirs.name, "Theirs")

    def test_the_page_asks_to_sign_in(self):
        self.client.logout()
        response = self.client.get(PAGE)
        self.assertRedirects(
            response, f"/en/accounts/login/?next={PAGE}", fetch_redirect_response=False
        )
        self.assertRedirects(
            self.client.post(SAVE, {"name": "x"}),
            f"/en/accounts/login/?next={SAVE}",
            fetch_redirect_response=False,
        )
        self.assertFalse(SavedSearch.objects.exists())

    def test_the_page_speaks_french(self):
        SavedSearch.objects.create(user=self.member, name="Chat", params="q=chat")
        page = self.client.get("/fr/account/searches/")
        self.assertContains(page, "Vos recherches enregistrées")
        self.assertContains(page, "Hebdomadaire")
