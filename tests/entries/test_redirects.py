"""An entry's old URL after its slug changed: followed only by those who may read it."""

import pytest
from wagtail.contrib.redirects.models import Redirect

from entries.models import EntryPage
from organisations.services import membership_set
from tests.factories import make_entry

pytestmark = pytest.mark.usefixtures("portal_db")


@pytest.fixture
def renamed(django_capture_on_commit_callbacks):
    """Publish the entry under a new slug; Wagtail records the old URL as a redirect once
    the change is committed."""

    def rename(entry, new_slug: str) -> tuple[str, str]:
        old_url = entry.url
        entry.slug = new_slug
        with django_capture_on_commit_callbacks(execute=True):
            entry.save_revision().publish()
        assert Redirect.objects.filter(old_path=old_url.rstrip("/")).exists()
        return old_url, EntryPage.objects.get(pk=entry.pk).url

    return rename


def test_a_renamed_hidden_entry_answers_404_to_outsiders_like_a_missing_one(client, renamed):
    entry = make_entry(id="safety-plan", visibility="organisation")
    old_url, new_url = renamed(entry, "safety-plan-2026")
    missing = client.get("/en/organisations/test-org/no-such-entry/")

    answer = client.get(old_url)
    assert answer.status_code == 404
    assert "Location" not in answer
    assert answer.content == missing.content

    client.force_login(
        membership_set(username="outsider", organisation_id="other-org", role="member").user
    )
    assert client.get(old_url).status_code == 404


def test_members_of_the_publishing_organisation_follow_the_redirect(client, renamed):
    entry = make_entry(id="safety-plan", visibility="organisation")
    old_url, new_url = renamed(entry, "safety-plan-2026")
    client.force_login(
        membership_set(username="insider", organisation_id="test-org", role="member").user
    )
    answer = client.get(old_url)
    assert answer.status_code == 301
    assert answer["Location"].endswith(new_url)


def test_a_renamed_public_entry_still_redirects_everyone(client, renamed):
    entry = make_entry(id="public-chat")
    old_url, new_url = renamed(entry, "public-chat-service")
    answer = client.get(old_url)
    assert answer.status_code == 301
    assert answer["Location"].endswith(new_url)


def test_a_redirect_to_an_unpublished_entry_is_not_followed(client, renamed):
    entry = make_entry(id="public-chat")
    old_url, _ = renamed(entry, "public-chat-service")
    entry.unpublish()
    assert client.get(old_url).status_code == 404
