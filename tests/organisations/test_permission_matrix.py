"""Who reads what, on every read path, on the live engine and on the database fallback.

Callers: anonymous, member / editor / moderator of A, editor of B, network staff.
Entries: public, members, organisation-only of A, and a draft of A. Each entry carries a
marker word, a platform and a country of its own, so that any leak through a result, a
count, a suggestion or a link shows.
"""

import json
from collections import Counter

import pytest
from django.contrib.auth.models import Group, User
from django.test import TestCase, override_settings

from entries.services import entry_upsert
from organisations.models import NETWORK_STAFF_GROUP
from organisations.services import membership_set
from portal.services import site_ensure
from tests.conftest import login_with_second_factor
from tests.factories import entry_data
from tests.search.live import LiveEngineMixin
from vocabulary.facets import ABSENT, FACET_NAMES, facet_get
from vocabulary.services import vocabulary_load

ORG_A = {"id": "org-a", "name": "Organisation A", "country": "DE"}
ORG_B = {"id": "org-b", "name": "Organisation B", "country": "FR"}

ENTRIES = {
    "public": entry_data(
        id="public-entry",
        organisation=ORG_B,
        title="Aardvark public practice",
        visibility="public",
        platforms=["youtube"],
        countries=["FR"],
        formats=["chat"],
        assessment="good",
        related=["org-a/members-entry", "org-a/org-entry", "org-a/draft-entry"],
    ),
    "members": entry_data(
        id="members-entry",
        organisation=ORG_A,
        title="Bisonword members practice",
        visibility="members",
        platforms=["tiktok"],
        countries=["DE"],
        formats=["chat", "voice"],
        assessment="promising",
        kind="lesson",
    ),
    "org": entry_data(
        id="org-entry",
        organisation=ORG_A,
        title="Caracalword organisation practice",
        visibility="organisation",
        platforms=["discord"],
        countries=["NL"],
        formats=["video"],
        assessment="less-good",
        language="de",
    ),
    "draft": entry_data(
        id="draft-entry",
        organisation=ORG_A,
        title="Dugongword draft practice",
        visibility="public",
        platforms=["instagram"],
        countries=["IT"],
        formats=["email"],
        status="pilot",
    ),
}
MARKERS = {
    "public": "Aardvark",
    "members": "Bisonword",
    "org": "Caracalword",
    "draft": "Dugongword",
}
SHARED_WORD = "matrixword"

READS = {
    "anonymous": {"public"},
    "member_a": {"public", "members", "org"},
    "editor_a": {"public", "members", "org"},
    "moderator_a": {"public", "members", "org"},
    "editor_b": {"public", "members"},
    "staff": {"public", "members"},
}

# In the admin, an organisation's editors and moderators also see its drafts; tests/
# organisations/test_admin_visibility.py tries every admin view, this the main ones.
ADMIN_READS = {
    "editor_a": {"public", "members", "org", "draft"},
    "moderator_a": {"public", "members", "org", "draft"},
    "editor_b": {"public", "members"},
}


def expected_counts(names: set[str]) -> dict[str, Counter]:
    counts = {facet: Counter() for facet in FACET_NAMES}
    for name in names:
        data = ENTRIES[name]
        for facet in FACET_NAMES:
            if facet == "organisation":
                values = [data["organisation"]["id"]]
            elif facet_get(facet).holds_terms:
                values = data.get(facet, [])
            elif facet_get(facet).presence:
                values = [ABSENT]  # no entry of the matrix is peer-reviewed
            else:
                values = [data[facet]] if data.get(facet) else []
            counts[facet].update(values)
    return counts


class PermissionMatrix:
    @classmethod
    def setUpTestData(cls):
        site_ensure()
        vocabulary_load()
        cls.users = {"anonymous": None}
        for name, (organisation, role) in {
            "member_a": ("org-a", "member"),
            "editor_a": ("org-a", "editor"),
            "moderator_a": ("org-a", "moderator"),
            "editor_b": ("org-b", "editor"),
        }.items():
            cls.users[name] = membership_set(
                username=name, organisation_id=organisation, role=role
            ).user
        staff = User.objects.create_user("staff")
        staff.groups.add(Group.objects.get_or_create(name=NETWORK_STAFF_GROUP)[0])
        cls.users["staff"] = staff
        cls.pages = {}
        for name, data in ENTRIES.items():
            data = {**data, "summary": f"{data['summary']} {SHARED_WORD}"}
            cls.pages[name], _ = entry_upsert(data=data, publish=name != "draft")
        super().setUpTestData()

    def as_caller(self, caller: str):
        self.client.logout()
        if self.users[caller] is not None:
            self.client.force_login(self.users[caller])

    def each_caller(self):
        for caller, reads in READS.items():
            with self.subTest(caller=caller):
                self.as_caller(caller)
                yield caller, reads

    def assert_markers(self, text: str, reads: set[str], where: str):
        for name, marker in MARKERS.items():
            if name in reads:
                self.assertIn(marker, text, f"{where}: {name} entry missing")
            else:
                self.assertNotIn(marker, text, f"{where}: {name} entry leaked")

    def test_entry_pages(self):
        for _caller, reads in self.each_caller():
            for name, page in self.pages.items():
                status = self.client.get(
                    f"/en/organisations/{page.organisation.slug}/{page.slug}/"
                ).status_code
                self.assertEqual(status, 200 if name in reads else 404, name)

    def test_search_page_and_search_api_results(self):
        for _caller, reads in self.each_caller():
            html = self.client.get("/en/search/", {"q": SHARED_WORD}).content.decode()
            self.assert_markers(html, reads, "search page")
            answer = self.client.get("/api/v1/search/", {"q": SHARED_WORD}).json()
            self.assertEqual(answer["engine"], self.engine_name)
            self.assertEqual(answer["count"], len(reads))
            self.assert_markers(json.dumps(answer["results"]), reads, "search API")

    def test_every_facet_counts_only_what_the_caller_may_read(self):
        for _caller, reads in self.each_caller():
            answer = self.client.get("/api/v1/search/").json()
            expected = expected_counts(reads)
            for facet in FACET_NAMES:
                counted = {
                    value["term"]: value["count"]
                    for value in answer["facets"].get(facet, [])
                    if value["count"]
                }
                self.assertEqual(counted, dict(expected[facet]), facet)

    def test_autocomplete_and_did_you_mean(self):
        for _caller, reads in self.each_caller():
            suggestions = []
            for marker in MARKERS.values():
                answer = self.client.get("/en/search/autocomplete/", {"q": marker[:6]}).json()
                suggestions += [suggestion["text"] for suggestion in answer["suggestions"]]
            self.assert_markers(" ".join(suggestions), reads, "autocomplete")
            for name, marker in MARKERS.items():
                misspelt = marker[:-1] + "x"
                answer = self.client.get("/api/v1/search/", {"q": misspelt}).json()
                if name not in reads:
                    self.assertNotIn(marker.lower(), (answer.get("did_you_mean") or "").lower())

    def test_related_and_similar_entries_on_the_public_page(self):
        page = self.pages["public"]
        for _caller, reads in self.each_caller():
            html = self.client.get(page.url).content.decode()
            self.assert_markers(html, reads, "public entry page")

    def test_feed(self):
        for _caller, reads in self.each_caller():
            feed = self.client.get("/en/search/feed/", {"q": SHARED_WORD}).content.decode()
            self.assert_markers(feed, reads, "feed")

    def test_sitemap_lists_public_entries_to_everyone(self):
        for _caller, _reads in self.each_caller():
            sitemap = self.client.get("/sitemap.xml").content.decode()
            self.assertIn("/public-entry/", sitemap)
            for name in ("members", "org", "draft"):
                self.assertNotIn(f"/{self.pages[name].slug}/", sitemap)

    def test_entry_api_and_export(self):
        for _caller, reads in self.each_caller():
            for name, page in self.pages.items():
                status = self.client.get(
                    f"/api/v1/entries/{page.organisation.slug}/{page.slug}/"
                ).status_code
                self.assertEqual(status, 200 if name in reads else 404, name)
            export = b"".join(self.client.get("/api/v1/entries.jsonl").streaming_content)
            self.assert_markers(export.decode(), reads, "export")

    def test_admin_choosers_and_bulk_actions(self):
        ids = "&".join(f"id={page.pk}" for page in self.pages.values())
        organisation_a = self.pages["org"].get_parent().pk
        for caller, reads in ADMIN_READS.items():
            with self.subTest(caller=caller):
                login_with_second_factor(self.client, self.users[caller])
                browse = f"/admin/choose-page/{organisation_a}/"
                html = self.client.get(browse).content.decode()
                self.assert_markers(html, reads - {"public"}, browse)  # the public one is B's
                for url in (
                    "/admin/choose-page/search/?q=practice",
                    f"/admin/choose-page/chosen-multiple/?{ids}",
                    f"/admin/bulk/wagtailcore/page/publish/?{ids}",
                    f"/admin/bulk/wagtailcore/page/delete/?{ids}",
                ):
                    html = self.client.get(url).content.decode()
                    self.assert_markers(html, reads, url)
                for name in ("org", "draft"):
                    # The chooser opened on a hidden page answers like a missing one.
                    chooser = self.client.get(f"/admin/choose-page/{self.pages[name].pk}/")
                    self.assertEqual(chooser.status_code, 200 if name in reads else 404, name)


@override_settings(SEARCH_URL=None)
class DatabasePermissionMatrixTests(PermissionMatrix, TestCase):
    engine_name = "database"


@pytest.mark.engine
class EnginePermissionMatrixTests(LiveEngineMixin, PermissionMatrix, TestCase):
    engine_name = LiveEngineMixin.engine_name
