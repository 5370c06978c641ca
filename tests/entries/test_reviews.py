import pytest
from django.contrib.auth.models import Group

from entries.models import PeerReview
from organisations.models import NETWORK_STAFF_GROUP
from organisations.services import membership_set
from tests.conftest import login_with_second_factor
from tests.factories import make_entry

pytestmark = pytest.mark.usefixtures("portal_db")


@pytest.fixture
def entry():
    return make_entry(partners=[{"id": "partner-org", "name": "Partner Org"}])


def member_of(organisation_id, username="reviewer", role="member"):
    return membership_set(username=username, organisation_id=organisation_id, role=role).user


def test_a_member_of_another_organisation_marks_an_entry_peer_reviewed(client, entry):
    client.force_login(member_of("other-org"))
    page = client.get(entry.url).content.decode()
    assert "Mark as peer reviewed" in page
    response = client.post(
        f"/en/entries/{entry.pk}/peer-review/",
        {"voice": "other-org", "verdict": "Solid and well evaluated."},
    )
    assert response.status_code == 302
    page = client.get(entry.url).content.decode()
    assert "Peer reviewed" in page
    assert "Solid and well evaluated." in page
    # The reviewer's organisation is linked: a member may open their own organisation's page.
    assert 'Reviewed by <a href="/en/organisations/other-org/">other-org</a> (reviewer)' in page


def test_the_public_sees_the_review_but_not_the_reviewer_name(client, entry):
    reviewer = member_of("other-org")
    PeerReview.objects.create(
        entry=entry,
        reviewer=reviewer,
        reviewer_organisation=reviewer.memberships.get().organisation,
        verdict="Good work.",
    )
    page = client.get(entry.url).content.decode()
    assert "Good work." in page
    assert "(reviewer)" not in page
    assert "Mark as peer reviewed" not in page


@pytest.mark.parametrize("organisation_id", ["test-org", "partner-org"])
def test_publisher_and_partners_cannot_review_their_own_entry(client, entry, organisation_id):
    client.force_login(member_of(organisation_id, role="moderator"))
    assert "Mark as peer reviewed" not in client.get(entry.url).content.decode()
    client.post(
        f"/en/entries/{entry.pk}/peer-review/", {"voice": organisation_id, "verdict": "Great."}
    )
    assert not PeerReview.objects.exists()


def test_network_staff_review_in_their_own_name(client, entry, django_user_model):
    staff = django_user_model.objects.create_user("staff")
    staff.groups.add(Group.objects.get_or_create(name=NETWORK_STAFF_GROUP)[0])
    client.force_login(staff)
    client.post(
        f"/en/entries/{entry.pk}/peer-review/", {"voice": "network-staff", "verdict": "Checked."}
    )
    assert PeerReview.objects.get().reviewer_label == "Network staff"


def test_an_empty_verdict_is_refused_with_a_message(client, entry):
    client.force_login(member_of("other-org"))
    response = client.post(
        f"/en/entries/{entry.pk}/peer-review/", {"voice": "other-org", "verdict": " "}, follow=True
    )
    assert "Give a short verdict" in response.content.decode()
    assert not PeerReview.objects.exists()


def test_a_hidden_entry_cannot_be_reviewed_or_probed(client):
    hidden = make_entry(id="hidden", visibility="organisation")
    client.force_login(member_of("other-org"))
    response = client.post(
        f"/en/entries/{hidden.pk}/peer-review/", {"voice": "other-org", "verdict": "Probe."}
    )
    assert response.status_code == 404
    assert not PeerReview.objects.exists()


def test_lists_filter_on_peer_reviewed_entries(client, entry):
    make_entry(id="unreviewed", title="Not reviewed yet")
    reviewer = member_of("other-org")
    PeerReview.objects.create(
        entry=entry,
        reviewer=reviewer,
        reviewer_organisation=reviewer.memberships.get().organisation,
        verdict="Good work.",
    )
    reviewed = client.get("/en/entries/?peer_reviewed=yes").content.decode()
    assert entry.title in reviewed and "Not reviewed yet" not in reviewed
    others = client.get("/en/entries/?peer_reviewed=no").content.decode()
    assert "Not reviewed yet" in others and entry.title not in others


def test_a_reviewer_reviews_an_entry_once_and_may_change_their_verdict(client, entry):
    client.force_login(member_of("other-org"))
    url = f"/en/entries/{entry.pk}/peer-review/"
    client.post(url, {"voice": "other-org", "verdict": "First reading: promising."})
    client.post(url, {"voice": "other-org", "verdict": "Second reading: well evaluated."})
    review = PeerReview.objects.get()
    assert review.verdict == "Second reading: well evaluated."
    page = client.get(entry.url).content.decode()
    assert "Update my peer review" in page
    assert "First reading" not in page


def test_moderators_preview_an_entry_with_unpublished_changes(client, entry):
    moderator = member_of("test-org", username="moderator", role="moderator")
    entry.summary = "A change that waits for approval."
    entry.save_revision(user=moderator)
    login_with_second_factor(client, moderator)
    for url in (f"/admin/pages/{entry.pk}/view_draft/", f"/admin/pages/{entry.pk}/edit/preview/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert (
        "A change that waits for approval."
        in client.get(f"/admin/pages/{entry.pk}/view_draft/").content.decode()
    )
