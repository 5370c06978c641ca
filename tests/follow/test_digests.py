"""The digests of saved searches, one behaviour on both backends (the database and the live
engine): a member gets exactly the entries new or updated since the last digest that match
the search and that they may read now, once; nothing when nothing is new; in their
language; with an unsubscribe link that works signed out."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from wagtail.users.models import UserProfile

from entries.models import EntryPage
from entries.services import entry_upsert
from follow.models import Frequency, SavedSearch
from follow.selectors import unsubscribe_token
from follow.services import digests_send
from organisations.services import membership_set
from portal.services import site_ensure
from tests.factories import entry_data
from tests.search.live import LiveEngineMixin
from vocabulary.services import vocabulary_load

ALPHA = {"id": "alpha", "name": "Alpha Exit Network", "country": "DE"}
BETA = {"id": "beta", "name": "Beta Beratung", "country": "AT"}
CHAT = {"formats": ["chat"], "countries": ["DE"]}

# id -> (organisation, visibility, terms, title, changed: days before the digest)
ENTRIES = {
    "old-chat": (ALPHA, "public", CHAT, "Old chat counselling from last year", 300),
    "new-chat": (ALPHA, "public", CHAT, "New chat counselling for leavers", 1),
    "updated-chat": (BETA, "public", CHAT, "Updated chat rota for night shifts", 1),
    "members-chat": (BETA, "members", CHAT, "Members chat safety checklist", 1),
    "own-org-chat": (ALPHA, "organisation", CHAT, "Alpha internal chat supervision", 1),
    "other-org-chat": (BETA, "organisation", CHAT, "Beta internal chat supervision", 1),
    "new-helpline": (
        ALPHA,
        "public",
        {"formats": ["helpline"], "countries": ["DE"]},
        "New telephone helpline for families",
        1,
    ),
}
CHAT_SEARCH = "formats=chat"


def titles_in(body: str) -> set[str]:
    return {title for _o, _v, _t, title, _d in ENTRIES.values() if title in body}


def unsubscribe_path(body: str) -> str:
    url = re.search(r"https?://\S+/account/searches/unsubscribe/\S+/", body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


class DigestBehaviour:
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        cls.now = timezone.now()
        for entry_id, (organisation, visibility, terms, title, days) in ENTRIES.items():
            data = entry_data(
                id=entry_id,
                organisation=organisation,
                visibility=visibility,
                title=title,
                summary=f"{title}: what we learned.",
                domains=None,
                published="2020-03-01" if entry_id == "updated-chat" else None,
                **terms,
            )
            entry_upsert(data=data)
            EntryPage.objects.filter(slug=entry_id).update(
                last_published_at=cls.now - timedelta(days=days)
            )
        cls.member = membership_set(
            username="mia", organisation_id="alpha", role="member", email="mia@example.org"
        ).user

    def follow(self, params=CHAT_SEARCH, frequency=Frequency.DAILY, name="Chat"):
        return SavedSearch.objects.create(
            user=self.member,
            name=name,
            params=params,
            frequency=frequency,
            checked_until=self.now - timedelta(days=2),
        )

    def test_a_member_gets_exactly_the_new_matching_entries_they_may_read(self):
        saved = self.follow()
        report = digests_send(now=self.now)
        self.assertEqual((report.checked, report.sent), (1, 1))
        [message] = mail.outbox
        self.assertEqual(message.to, ["mia@example.org"])
        self.assertEqual(message.subject, "New in your saved search “Chat”")
        # Another organisation's own entry never, even though it matches; the members
        # entry and the member's own organisation's, yes; nothing older, nothing else.
        self.assertEqual(
            titles_in(message.body),
            {
                "New chat counselling for leavers",
                "Updated chat rota for night shifts",
                "Members chat safety checklist",
                "Alpha internal chat supervision",
            },
        )
        self.assertIn(
            "4 entries matching your saved search “Chat” are new or updated", message.body
        )
        self.assertIn("/en/organisations/alpha/new-chat/", message.body)
        # What is not public says so, so that the e-mail is not passed on unread.
        lines = {line for line in message.body.splitlines() if line.startswith("- ")}
        self.assertEqual(
            {line for line in lines if "[not public: " in line},
            {
                "- Members chat safety checklist (Beta Beratung) "
                "[not public: Members of any organisation]",
                "- Alpha internal chat supervision (Alpha Exit Network) "
                "[not public: Publishing organisation only]",
            },
        )
        self.assertIn("List-Unsubscribe", message.extra_headers)
        saved.refresh_from_db()
        self.assertIsNotNone(saved.last_sent_at)

    def test_what_the_member_may_read_is_decided_at_sending_time(self):
        self.follow()
        membership_set(username="mia", organisation_id="beta", role="member")
        digests_send(now=self.now)
        [message] = mail.outbox
        self.assertIn("Beta internal chat supervision", message.body)

    def test_nothing_is_sent_for_a_search_with_no_news(self):
        saved = self.follow(params="q=last+year")
        report = digests_send(now=self.now)
        self.assertEqual((report.checked, report.sent), (1, 0))
        self.assertEqual(mail.outbox, [])
        # Looked at, though: the next digest starts from here.
        saved.refresh_from_db()
        self.assertGreater(saved.checked_until, self.now - timedelta(hours=1))
        self.assertIsNone(saved.last_sent_at)

    def test_a_second_run_sends_only_what_changed_since_the_first(self):
        self.follow()
        digests_send(now=self.now)
        self.assertEqual(len(mail.outbox), 1)
        # The same run again, and the next day's with nothing new: nothing.
        digests_send(now=self.now)
        digests_send(now=self.now + timedelta(days=1))
        self.assertEqual(len(mail.outbox), 1)
        EntryPage.objects.filter(slug="old-chat").update(
            last_published_at=self.now + timedelta(days=1, hours=1)
        )
        digests_send(now=self.now + timedelta(days=2))
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(titles_in(mail.outbox[1].body), {"Old chat counselling from last year"})

    def test_a_weekly_search_waits_for_its_week(self):
        saved = self.follow(frequency=Frequency.WEEKLY)
        digests_send(now=self.now)
        self.assertEqual(mail.outbox, [])
        SavedSearch.objects.filter(pk=saved.pk).update(checked_until=self.now - timedelta(days=7))
        call_command("send_digests", "--frequency", "weekly", stdout=open("/dev/null", "w"))  # noqa: SIM115
        self.assertEqual(len(mail.outbox), 1)

    def test_no_digest_for_a_search_without_one(self):
        self.follow(frequency=Frequency.NONE)
        self.assertEqual(digests_send(now=self.now).checked, 0)
        self.assertEqual(mail.outbox, [])

    def test_the_digest_is_in_the_members_language(self):
        UserProfile.objects.update_or_create(
            user=self.member, defaults={"preferred_language": "fr"}
        )
        self.follow()
        digests_send(now=self.now)
        [message] = mail.outbox
        self.assertEqual(
            message.subject, "Nouveau dans votre recherche enregistrée «\u00a0Chat\u00a0»"
        )
        self.assertIn("4 fiches correspondant à votre recherche enregistrée", message.body)
        self.assertIn("/fr/organisations/alpha/new-chat/", message.body)
        self.assertIn("/fr/account/searches/unsubscribe/", message.body)

    def test_the_unsubscribe_link_works_signed_out(self):
        saved = self.follow()
        digests_send(now=self.now)
        path = unsubscribe_path(mail.outbox[0].body)
        self.client.logout()
        page = self.client.get(path)
        self.assertContains(page, "Stop the e-mail digest of the saved search “Chat”?")
        saved.refresh_from_db()
        self.assertEqual(saved.frequency, Frequency.DAILY)  # a GET (a link checker) changes nothing
        done = self.client.post(path)
        self.assertContains(done, "You will no longer receive e-mails")
        saved.refresh_from_db()
        self.assertEqual(saved.frequency, Frequency.NONE)
        self.assertEqual(digests_send(now=self.now + timedelta(days=3)).checked, 0)

    def test_a_tampered_unsubscribe_link_is_refused_with_a_clear_page(self):
        saved = self.follow()
        digests_send(now=self.now)
        path = unsubscribe_path(mail.outbox[0].body)
        token = path.rstrip("/").rsplit("/", 1)[1]
        other = SavedSearch.objects.create(user=self.member, name="Other", params="")
        # One character of the signature changed; the other search's id under the first's
        # signature; no token at all.
        changed = token[:-1] + ("A" if token[-1] != "A" else "B")
        signature = token.rsplit(":", 1)[1]
        other_token = unsubscribe_token(saved_search=other)
        swapped = other_token.rsplit(":", 1)[0] + ":" + signature
        for bad_token in (changed, swapped, "not-a-token"):
            bad = path.replace(token, bad_token)
            for response in (self.client.get(bad), self.client.post(bad)):
                self.assertContains(response, "This link does not work", status_code=400)
        saved.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual((saved.frequency, other.frequency), (Frequency.DAILY, Frequency.WEEKLY))


class DatabaseDigestTests(DigestBehaviour, TestCase):
    pass


@pytest.mark.engine
class EngineDigestTests(LiveEngineMixin, DigestBehaviour, TestCase):
    pass
