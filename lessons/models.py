from django.utils.translation import gettext_lazy as _

from entries.models import EntryPage
from entries.panels import entry_edit_handler
from vocabulary.facets import Kind


class LessonPage(EntryPage):
    """A lesson learned: context, what worked, what did not, recommendations."""

    entry_kind = Kind.LESSON
    edit_handler = entry_edit_handler(lesson=True)
    template = "entries/entry_page.html"

    class Meta:
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
