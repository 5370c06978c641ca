from django.utils.translation import gettext_lazy as _

from entries.models import EntryPage
from entries.panels import entry_edit_handler
from vocabulary.facets import Kind


class PracticePage(EntryPage):
    """A practice a member organisation runs or ran, good, promising or less good."""

    entry_kind = Kind.PRACTICE
    edit_handler = entry_edit_handler(lesson=False)
    template = "entries/entry_page.html"

    class Meta:
        verbose_name = _("practice")
