"""The admin's form of an entry: its language is one of the portal's, "Translation of" is
chosen among the organisation's entries, countries are ticked by name in the editor's
language, and an entry goes to review or live only when it is complete
(entries/completeness.py), with the dates of publication kept by the portal."""

import pycountry
from django import forms
from django.utils import timezone
from django.utils.translation import get_language, gettext
from wagtail.admin.forms import WagtailAdminPageForm

from entries.completeness import publication_gaps
from entries.models import EntryPage, Language
from organisations.models import ID_MAX_LENGTH
from vocabulary.facets import COUNTRIES
from vocabulary.selectors import country_name
from vocabulary.services import country_term_get_or_create

# The admin's buttons that send the latest version on towards readers (Wagtail's names).
PUBLICATION_ACTIONS = ("action-publish", "action-submit", "action-restart-workflow")
# The workflow's approval, from the edit form's "Approve and Publish".
WORKFLOW_ACTION = "action-workflow-action"
APPROVE = "approve"
# The form's fields that completeness judges, by their interchange names.
JUDGED_FIELDS = ("title", "summary", "what_worked", "what_did_not_work")


class EntryPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.organisation_id is None:
            # A new entry's organisation is the page it is added under (saving sets it from
            # the tree); known now, the preview of the unsaved entry reads as its page will.
            self.instance.organisation_id = self.parent_page.pk
        self.fields["language"] = self._language_field(self.fields["language"])
        if "slug" in self.fields:
            # The slug is the entry's id, in its address and in the interchange format.
            slug = self.fields["slug"]
            slug.max_length = ID_MAX_LENGTH
            slug.widget.attrs["maxlength"] = ID_MAX_LENGTH
            slug.help_text = gettext(
                "The entry's id in its address and in exchanges with partner systems: 2 to "
                "100 lowercase letters, digits or hyphens. Made from the title; change it "
                "only before the entry is first published."
            )
        field = self.fields["translation_of"]
        self.fields["translation_of"] = forms.ChoiceField(
            label=field.label,
            help_text=field.help_text,
            required=False,
            choices=self._translation_choices(),
        )
        if "body" in self.fields:
            # The rich text editor's writing area is named for screen readers: its label
            # names a hidden input. A dict of this form's own, in the editor's language.
            widget = self.fields["body"].widget
            widget.options = {**widget.options, "ariaLabel": str(self.fields["body"].label)}
        if COUNTRIES in self.fields:
            self.fields[COUNTRIES] = self._countries_field(self.fields[COUNTRIES])
            if self.instance.pk:
                self.initial[COUNTRIES] = [term.slug for term in self.instance.countries.all()]

    def _language_field(self, field) -> forms.ChoiceField:
        """English, French or German; an imported entry in another language keeps its code
        as a choice."""
        choices = list(Language.choices)
        current = self.instance.language
        if current and current not in Language.values:
            choices.append((current, current))
        return forms.ChoiceField(label=field.label, choices=choices, initial=field.initial)

    def _countries_field(self, field) -> forms.MultipleChoiceField:
        """Every ISO 3166-1 country, by its name in the editor's language: an entry may name
        a country that no entry named before (its term is made when the entry is saved)."""
        language = get_language() or Language.EN
        names = {
            country.alpha_2: country_name(country.alpha_2, language)
            for country in pycountry.countries
        }
        return forms.MultipleChoiceField(
            label=field.label,
            help_text=field.help_text,
            required=False,
            choices=sorted(names.items(), key=lambda item: item[1].casefold()),
            widget=forms.CheckboxSelectMultiple,
        )

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

    @property
    def sends_for_publication(self) -> bool:
        """Whether the button pressed submits the entry for review or publishes it, rather
        than saving a draft."""
        if any(self.data.get(action) for action in PUBLICATION_ACTIONS):
            return True
        return bool(self.data.get(WORKFLOW_ACTION)) and (
            self.data.get("workflow-action-name") == APPROVE
        )

    def clean(self):
        cleaned_data = super().clean()
        if self.is_bound and self.sends_for_publication:
            self._refuse_incomplete(cleaned_data)
        return cleaned_data

    def _refuse_incomplete(self, cleaned_data: dict) -> None:
        """Each gap's message beside each of its fields; the recommendations' above their
        list."""
        values = {name: cleaned_data[name] for name in JUDGED_FIELDS if name in cleaned_data}
        values["recommendations"] = self._recommendation_texts()
        kind = type(self.instance).entry_kind
        for gap in publication_gaps(kind=kind, values=values):
            for name in gap.fields:
                if name in self.formsets:
                    # The formset has cleaned itself; its errors stay as they are now.
                    self.formsets[name].non_form_errors().append(gap.message)
                elif name in self.fields:
                    self.add_error(name, gap.message)

    def _recommendation_texts(self) -> list[str]:
        formset = self.formsets.get("recommendations")
        if formset is None:
            return []
        # A recommendation with an error of its own is shown with it, and not counted.
        return [
            form.cleaned_data.get("text", "")
            for form in formset.forms
            if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def save(self, commit=True):
        if COUNTRIES in self.cleaned_data:
            self.cleaned_data[COUNTRIES] = [
                country_term_get_or_create(code) for code in self.cleaned_data[COUNTRIES]
            ]
        if self.sends_for_publication:
            self._stamp_publication_dates()
        return super().save(commit=commit)

    def _stamp_publication_dates(self) -> None:
        """The portal keeps the dates, not the editor: the day the entry was first sent on
        and the moment of its latest change sent on. Stamped on submission too, since a
        moderator may approve that version outside this form."""
        now = timezone.now()
        if self.instance.published_date is None:
            self.instance.published_date = timezone.localdate(now)
        self.instance.updated_at = now
