"""The admin's form of an entry: its language is one of the portal's, "Translation of" is
chosen among the organisation's entries."""

from django import forms
from django.utils.translation import gettext
from wagtail.admin.forms import WagtailAdminPageForm

from entries.models import EntryPage, Language


class EntryPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"] = self._language_field(self.fields["language"])
        field = self.fields["translation_of"]
        self.fields["translation_of"] = forms.ChoiceField(
            label=field.label,
            help_text=field.help_text,
            required=False,
            choices=self._translation_choices(),
        )

    def _language_field(self, field) -> forms.ChoiceField:
        """English, French or German; an imported entry in another language keeps its code
        as a choice."""
        choices = list(Language.choices)
        current = self.instance.language
        if current and current not in Language.values:
            choices.append((current, current))
        return forms.ChoiceField(label=field.label, choices=choices, initial=field.initial)

    def _translation_choices(self) -> list[tuple[str, str]]:
        """The organisation's other entries that are originals (a translation names its
        original, so that the versions form one group), by title and language. A value that
        names no such entry (an import may name one that comes later) stays a choice."""
        languages = dict(Language.choices)
        originals = (
            EntryPage.objects.filter(organisation_id=self.parent_page.pk, translation_of="")
            .exclude(pk=self.instance.pk)
            .order_by("title", "language")
        )
        choices = [("", "---------")] + [
            (entry.slug, f"{entry.title} ({languages.get(entry.language, entry.language)})")
            for entry in originals
        ]
        current = self.instance.translation_of
        if current and current not in {value for value, _text in choices}:
            choices.append((current, gettext("%(id)s (no such entry)") % {"id": current}))
        return choices
