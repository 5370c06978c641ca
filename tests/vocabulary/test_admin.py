import pytest
from django.urls import reverse

from tests.conftest import login_with_second_factor
from vocabulary.models import Term

pytestmark = pytest.mark.usefixtures("portal_db")


def test_vocabulary_is_listed_and_editable_in_the_admin(client, superuser):
    login_with_second_factor(client, superuser)
    listing = client.get(reverse("wagtailsnippets_vocabulary_term:list") + "?facet=formats")
    assert "Text chat" in listing.content.decode()
    assert "Deradicalisation" not in listing.content.decode()
    term = Term.objects.get(facet="formats", slug="helpline")
    response = client.post(
        reverse("wagtailsnippets_vocabulary_term:edit", args=[term.pk]),
        {
            "facet": "formats",
            "slug": "helpline",
            "label_en": "Helpline",
            "label_fr": "Ligne d'écoute",
            "label_de": "Hotline",
            "synonyms": "hotline\nphone line\nNotruf",
            "sort_order": term.sort_order,
        },
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert "Notruf" in term.synonym_list


def test_editors_cannot_change_the_vocabulary(client):
    from organisations.services import membership_set

    editor = membership_set(username="editor", organisation_id="org-a", role="editor").user
    login_with_second_factor(client, editor)
    response = client.get(reverse("wagtailsnippets_vocabulary_term:list"))
    assert response.status_code in (302, 403)
