from django import forms
from django.utils.translation import gettext_lazy as _

from follow.models import MAX_NAME_LENGTH, Frequency

FREQUENCY_HELP = _("We e-mail you the new and updated entries matching it, if there are any.")


class SavedSearchForm(forms.Form):
    """Save a search: from the search page (its parameters in a hidden field) or typed."""

    name = forms.CharField(label=_("Name"), max_length=MAX_NAME_LENGTH)
    search = forms.CharField(
        label=_("Search address"),
        required=False,
        help_text=_("The address of a search page of the portal, copied from the browser."),
    )
    frequency = forms.ChoiceField(
        label=_("E-mail digest"),
        choices=Frequency.choices,
        initial=Frequency.WEEKLY,
        help_text=FREQUENCY_HELP,
    )


class SavedSearchChangeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=MAX_NAME_LENGTH)
    frequency = forms.ChoiceField(label=_("E-mail digest"), choices=Frequency.choices)
