"""The admin's entry form, as an editor uses it: the form is read from the page the admin
serves, filled in and sent with one of its buttons (tests/conftest.py signs the editor in
with the second factor)."""

import re

import pytest
from wagtail.admin.localization import get_available_admin_languages
from wagtail.models import Page
from wagtail.test.utils.form_data import querydict_from_html
from wagtail.users.models import UserProfile

from entries.imports import entries_import
from entries.models import EntryPage
from entries.services import entry_upsert
from organisations.services import membership_set
from tests.conftest import login_with_second_factor
from tests.factories import entry_data, entry_line
from vocabulary.models import Term

pytestmark = pytest.mark.usefixtures("portal_db")

ORGANISATION = "org-a"
NEEDS_RECOMMENDATION = "A lesson needs at least one recommendation before it is submitted"
NEEDS_WHAT_WORKED = "A lesson says what worked, what did not work, or both"


@pytest.fixture
def editor(client):
    user = membership_set(username="edith", organisation_id=ORGANISATION, role="editor").user
    login_with_second_factor(client, user)
    return user


def add_url(user, kind: str) -> str:
    organisation = user.memberships.get().organisation
    app = {"lesson": "lessons/lessonpage", "practice": "practices/practicepage"}[kind]
    return f"/admin/pages/add/{app}/{organisation.pk}/"


def filled_form(client, url: str, **values):
    """The form as the admin serves it, with these fields filled in (a list ticks several
    boxes) and every other field as it comes."""
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    for name, value in values.items():
        if isinstance(value, list):
            data.setlist(name, [str(item) for item in value])
        else:
            data[name] = value
    return data


def with_recommendations(data, *texts: str):
    for index, text in enumerate(texts):
        data[f"recommendations-{index}-text"] = text
        data[f"recommendations-{index}-ORDER"] = str(index + 1)
        data[f"recommendations-{index}-DELETE"] = ""
        data[f"recommendations-{index}-id"] = ""
    data["recommendations-TOTAL_FORMS"] = str(len(texts))
    return data


LESSON = {
    "title": "Ending a counselling relationship on purpose",
    "slug": "ending-on-purpose",
    "summary": "Counsellors who plan the end of a chat relationship keep clients safer.",
    "what_worked": "Announcing the last sessions weeks ahead.",
}


def test_a_lesson_without_recommendations_is_refused_on_submit_with_the_message_beside_them(
    client, editor
):
    url = add_url(editor, "lesson")
    response = client.post(url, {**filled_form(client, url, **LESSON), "action-submit": "1"})

    assert response.status_code == 200  # the form again, nothing stored
    page = response.content.decode()
    recommendations = page.index('id="id_recommendations-FORMS"')
    message = page.index(NEEDS_RECOMMENDATION)
    # The message stands in the recommendations' panel, just above their list.
    assert 0 < recommendations - message < 400
    assert not EntryPage.objects.filter(slug=LESSON["slug"]).exists()


def test_a_lesson_saying_neither_what_worked_nor_what_did_not_is_refused_beside_both(
    client, editor
):
    url = add_url(editor, "lesson")
    data = with_recommendations(
        filled_form(client, url, **{**LESSON, "what_worked": ""}), "Plan it."
    )
    response = client.post(url, {**data, "action-submit": "1"})

    errors = response.context["form"].errors
    assert NEEDS_WHAT_WORKED in errors["what_worked"][0]
    assert NEEDS_WHAT_WORKED in errors["what_did_not_work"][0]
    assert not EntryPage.objects.filter(slug=LESSON["slug"]).exists()


def test_an_incomplete_lesson_is_saved_as_a_draft(client, editor):
    url = add_url(editor, "lesson")
    response = client.post(url, filled_form(client, url, **{**LESSON, "what_worked": ""}))

    assert response.status_code == 302
    lesson = EntryPage.objects.get(slug=LESSON["slug"])
    assert not lesson.live
    assert lesson.kind == "lesson"
    # Dates are the portal's to set, when the entry is sent on; a draft has none.
    assert lesson.published_date is None and lesson.updated_at is None


def test_a_complete_lesson_is_submitted_for_review_and_dated_by_the_portal(client, editor):
    url = add_url(editor, "lesson")
    data = with_recommendations(filled_form(client, url, **LESSON), "Plan the last session.")
    response = client.post(url, {**data, "action-submit": "1"})

    assert response.status_code == 302
    lesson = EntryPage.objects.get(slug=LESSON["slug"]).specific
    assert lesson.workflow_in_progress
    assert not lesson.live
    draft = lesson.get_latest_revision_as_object()
    assert [item.text for item in draft.recommendations.all()] == ["Plan the last session."]
    assert draft.published_date is not None and draft.updated_at is not None


def test_dates_are_shown_but_not_taken_from_the_form(client, editor):
    url = add_url(editor, "lesson")
    data = with_recommendations(filled_form(client, url, **LESSON), "Plan it.")
    data["published_date"] = "1999-01-01"
    client.post(url, {**data, "action-submit": "1"})

    draft = EntryPage.objects.get(slug=LESSON["slug"]).get_latest_revision_as_object()
    assert str(draft.published_date) != "1999-01-01"


def test_a_practice_with_a_summary_shorter_than_the_schema_allows_is_refused_on_submit(
    client, editor
):
    url = add_url(editor, "practice")
    data = filled_form(client, url, title="Helpline", slug="helpline", summary="Short.")
    response = client.post(url, {**data, "action-submit": "1"})

    assert "At least 10 characters" in response.context["form"].errors["summary"][0]
    assert response.status_code == 200
    assert client.post(url, data).status_code == 302  # a draft may be short


def test_vocabulary_is_ticked_and_countries_are_named_in_the_editors_language(client, editor):
    assert "fr" in dict(get_available_admin_languages())
    UserProfile.objects.update_or_create(user=editor, defaults={"preferred_language": "fr"})
    url = add_url(editor, "practice")
    page = client.get(url).content.decode()
    chat = Term.objects.get(facet="formats", slug="chat")
    # Checkboxes labelled in French, with a word on what the facet means.
    assert f'type="checkbox" name="formats" value="{chat.pk}"' in page
    assert "Travail de sortie" in page
    assert "Allemagne" in page
    assert "Comment le travail atteint les personnes" in page

    data = filled_form(
        client,
        url,
        title="Helpline",
        slug="helpline",
        summary="A helpline for families of people in extremist groups.",
        formats=[chat.pk],
        countries=["DE", "LU"],
    )
    assert client.post(url, {**data, "action-submit": "1"}).status_code == 302
    draft = EntryPage.objects.get(slug="helpline").get_latest_revision_as_object()
    assert [term.slug for term in draft.formats.all()] == ["chat"]
    assert sorted(term.slug for term in draft.countries.all()) == ["DE", "LU"]


def test_assessment_and_the_lesson_fields_are_on_the_first_tab(client, editor):
    page = client.get(add_url(editor, "lesson")).content.decode()
    first_tab = page[: page.index('id="tab-classification"')]
    for field in ("assessment", "evaluation", "status", "what_worked", "recommendations-FORMS"):
        assert f'id="id_{field}"' in first_tab, field


@pytest.mark.parametrize("kind", ["lesson", "practice"])
def test_the_preview_is_the_public_page_for_a_member(client, editor, kind):
    url = add_url(editor, kind)
    data = with_recommendations(
        filled_form(client, url, **LESSON, visibility="organisation", safety="Two-person rule."),
        "Plan the last session.",
    )
    assert client.post(url + "preview/", data).json()["is_valid"]
    page = client.get(url + "preview/").content.decode()
    assert LESSON["title"] in page
    assert "Plan the last session." in page
    # The reader is the editor, a member: members-only fields are shown.
    assert "Two-person rule." in page
    assert Page.objects.filter(slug=LESSON["slug"]).count() == 0


def test_the_import_names_what_a_lesson_lacks_with_the_forms_words():
    line = entry_line(id="lesson-without-advice", kind="lesson", what_worked="Calls.")
    report = entries_import([line])
    assert report.ok
    assert [str(notice) for notice in report.notices] == [
        f"line 1: recommendations: {NEEDS_RECOMMENDATION} or published."
    ]


def test_a_moderator_cannot_approve_an_incomplete_lesson_from_the_form(client):
    moderator = membership_set(username="mona", organisation_id=ORGANISATION, role="moderator")
    lesson, _ = entry_upsert(
        data=entry_data(
            id="lesson-without-advice",
            kind="lesson",
            what_worked="Calls.",
            organisation={"id": ORGANISATION, "name": ORGANISATION},
        ),
        publish=False,
    )
    assert lesson.workflow_in_progress
    login_with_second_factor(client, moderator.user)
    url = f"/admin/pages/{lesson.pk}/edit/"
    data = filled_form(client, url)
    response = client.post(
        url, {**data, "action-workflow-action": "1", "workflow-action-name": "approve"}
    )

    assert NEEDS_RECOMMENDATION in response.content.decode()
    assert not EntryPage.objects.get(pk=lesson.pk).live


def test_a_slug_the_interchange_cannot_carry_is_refused_on_the_slug_field(client, editor):
    url = add_url(editor, "practice")
    served = client.get(url).content.decode()
    slug_input = re.search(r'<input[^>]*name="slug"[^>]*>', served).group(0)
    # The admin makes ASCII slugs from a title (Über → uber) and allows 100 characters.
    assert 'maxlength="100"' in slug_input
    assert 'data-w-slug-allow-unicode-value="true"' not in slug_input
    for slug in ("über-umwege", "a" * 101):
        data = filled_form(client, url, title="Über Umwege", slug=slug, summary="Kurz.")
        response = client.post(url, data)
        assert response.status_code == 200, slug
        assert "slug" in response.context["form"].errors, slug
        assert not EntryPage.objects.filter(title="Über Umwege").exists()
