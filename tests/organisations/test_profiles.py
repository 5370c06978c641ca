"""Organisation profiles: what an organisation's page tells each reader, which
organisations are listed, and whose page answers 404."""

import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import WorkflowState

from entries.models import PeerReview
from organisations.models import OrganisationPage
from organisations.services import membership_set
from tests.conftest import login_with_second_factor, shared_data
from tests.factories import make_entry
from vocabulary.services import vocabulary_load

ALPHA = {"id": "alpha", "name": "Alpha Exit", "country": "FR"}


def corpus_load() -> None:
    vocabulary_load()
    make_entry(id="chat-a", title="Chat A", organisation=ALPHA, formats=["chat"])
    make_entry(id="chat-b", title="Chat B", organisation=ALPHA, formats=["chat"], kind="lesson")
    make_entry(
        id="chat-members",
        title="Chat for members",
        organisation=ALPHA,
        formats=["chat"],
        visibility="members",
    )
    alpha = OrganisationPage.objects.get(slug="alpha")
    alpha.description = "We counsel people leaving violent groups."
    alpha.languages = "fr, ar"
    alpha.contact_email = "network-desk@alpha.example"
    alpha.save_revision().publish()
    # Beta publishes for members only; Gamma for itself only; Empty has no entry at all.
    make_entry(
        id="beta-note",
        title="Beta note",
        organisation={"id": "beta", "name": "Beta Exit"},
        visibility="members",
    )
    make_entry(
        id="gamma-note",
        title="Gamma note",
        organisation={"id": "gamma", "name": "Gamma Exit"},
        visibility="organisation",
    )
    membership_set(username="empty-member", organisation_id="empty", role="member")
    OrganisationPage.objects.filter(slug="empty").update(title="Empty Exit")
    # Beta's member reviewed Alpha's public chat and its members-only one.
    beta_member = membership_set(username="beta-member", organisation_id="beta", role="member")
    beta = OrganisationPage.objects.get(slug="beta")
    for slug, verdict in (("chat-a", "Worth copying."), ("chat-members", "Careful work.")):
        PeerReview.objects.create(
            entry=alpha.entries.get(slug=slug),
            reviewer=beta_member.user,
            reviewer_organisation=beta,
            verdict=verdict,
        )


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    yield from shared_data(django_db_blocker, corpus_load)


def text_of(response) -> str:
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return unescape(re.sub(r"\s+", " ", html))


def member_of(organisation_id: str):
    return membership_set(
        username=f"reader-{organisation_id}", organisation_id=organisation_id, role="member"
    ).user


@pytest.mark.usefixtures("corpus")
@pytest.mark.django_db
class TestProfiles:
    def test_the_index_lists_only_organisations_with_something_the_reader_may_read(self, client):
        assert "Alpha Exit" in text_of(client.get("/en/organisations/"))
        for hidden in ("Beta Exit", "Gamma Exit", "Empty Exit"):
            assert hidden not in text_of(client.get("/en/organisations/"))
        client.force_login(member_of("empty"))
        text = text_of(client.get("/en/organisations/"))
        # Members read members' entries, and see their own organisation even when empty.
        assert "Beta Exit" in text and "Empty Exit" in text
        assert "Gamma Exit" not in text

    def test_an_organisation_without_readable_entries_is_a_404_like_a_missing_one(self, client):
        missing = client.get("/en/organisations/no-such-org/")
        for slug in ("beta", "gamma", "empty"):
            hidden = client.get(f"/en/organisations/{slug}/")
            assert hidden.status_code == 404
            assert hidden.content == missing.content
        client.force_login(member_of("beta"))
        assert client.get("/en/organisations/beta/").status_code == 200
        assert client.get("/en/organisations/gamma/").status_code == 404
        client.force_login(member_of("gamma"))
        assert client.get("/en/organisations/gamma/").status_code == 200

    def test_profile_names_country_and_languages_in_the_readers_language(self, client):
        text = text_of(client.get("/fr/organisations/alpha/"))
        assert "We counsel people leaving violent groups." in text
        assert "France" in text
        assert "Français, Arabe" in text
        german = text_of(client.get("/de/organisations/alpha/"))
        assert "Frankreich" in german and "Französisch, Arabisch" in german

    def test_the_contact_address_is_for_signed_in_members_only(self, client):
        public = client.get("/en/organisations/alpha/").content.decode()
        assert "network-desk@alpha.example" not in public
        assert "sign in</a> to see how to contact this organisation" in public
        client.force_login(member_of("beta"))
        member = client.get("/en/organisations/alpha/").content.decode()
        assert 'href="mailto:network-desk@alpha.example"' in member

    def test_entries_and_facets_are_counted_from_what_the_reader_may_read(self, client):
        html = client.get("/en/organisations/alpha/").content.decode()
        assert re.search(r"Practices <span class=\"count\">\(1\)", html)
        assert re.search(r"Lessons learned <span class=\"count\">\(1\)", html)
        assert (
            '<a href="/en/search/?organisation=alpha&amp;formats=chat">Text chat</a> '
            '<span class="count">(2 entries)</span>'
        ) in html
        assert "Chat for members" not in html
        client.force_login(member_of("beta"))
        html = client.get("/en/organisations/alpha/").content.decode()
        assert re.search(r"Practices <span class=\"count\">\(2\)", html)
        assert '<span class="count">(3 entries)</span>' in html

    def test_peer_reviews_given_and_received_of_readable_entries_only(self, client):
        alpha = text_of(client.get("/en/organisations/alpha/"))
        assert "Reviews received" in alpha
        assert "Chat A : reviewed by Beta Exit" in alpha and "Worth copying." in alpha
        assert "Careful work." not in alpha
        client.force_login(member_of("beta"))
        beta = text_of(client.get("/en/organisations/beta/"))
        assert "Reviews given" in beta
        assert "Chat A ( Alpha Exit )" in beta
        assert "Worth copying." in beta and "Careful work." in beta

    def test_hidden_organisations_are_not_in_the_sitemap(self, client):
        xml = client.get("/sitemap.xml").content.decode()
        assert "/organisations/alpha/" in xml
        assert "/organisations/beta/" not in xml


@pytest.mark.django_db
def test_languages_worked_in_refuse_codes_that_name_no_language(portal_db):
    organisation = OrganisationPage(title="Delta", slug="delta", languages="en, xx, fr")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "Not a known ISO 639-1 language code: xx" in str(error.value)


@pytest.mark.django_db
def test_a_moderators_profile_change_waits_for_approval(client, portal_db):
    """The organisation's page is under its review workflow, like its entries: a moderator
    submits a change, and it is public once a moderator approves it."""
    make_entry(id="note", organisation={"id": "delta", "name": "Delta"})
    organisation = OrganisationPage.objects.get(slug="delta")
    moderator = membership_set(username="mod", organisation_id="delta", role="moderator").user
    login_with_second_factor(client, moderator)
    url = reverse("wagtailadmin_pages:edit", args=[organisation.pk])
    form = {
        "title": "Delta",
        "slug": "delta",
        "country": "",
        "website": "",
        "description": "A new description.",
        "languages": "de",
        "contact_email": "",
        "comment_notifications": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-submit": "1",
    }
    assert client.post(url, form).status_code == 302
    state = WorkflowState.objects.get(object_id=str(organisation.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert "A new description." not in text_of(client.get("/en/organisations/delta/"))

    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[organisation.pk, "approve", state.current_task_state.pk],
        ),
        {"comment": ""},
    )
    client.logout()
    assert "A new description." in text_of(client.get("/en/organisations/delta/"))


@pytest.mark.django_db
def test_a_hidden_organisations_old_address_is_followed_only_by_its_readers(
    client, portal_db, django_capture_on_commit_callbacks
):
    make_entry(id="note", organisation={"id": "epsilon", "name": "Epsilon"}, visibility="members")
    organisation = OrganisationPage.objects.get(slug="epsilon")
    organisation.slug = "epsilon-exit"
    with django_capture_on_commit_callbacks(execute=True):
        organisation.save_revision().publish()
    missing = client.get("/en/organisations/no-such-org/")
    answer = client.get("/en/organisations/epsilon/")
    assert answer.status_code == 404
    assert answer.content == missing.content
    client.force_login(member_of("zeta"))
    assert client.get("/en/organisations/epsilon/").status_code in (301, 302)
