from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from vocabulary.models import Term


class TermViewSet(SnippetViewSet):
    """The controlled vocabulary, editable by network staff with the snippet permissions.
    Search synonyms follow a change at once (search/wagtail_hooks.py)."""

    model = Term
    icon = "tag"
    menu_label = _("Vocabulary")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["label_en", "slug", "facet", "label_fr", "label_de"]
    list_filter = ["facet"]
    search_fields = ["label_en", "label_fr", "label_de", "slug", "synonyms"]
    ordering = ["facet", "sort_order", "label_en"]


register_snippet(TermViewSet)
