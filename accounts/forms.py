import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.forms import SetPasswordForm as DjangoSetPasswordForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from accounts.second_factor import backup_code_normalise
from accounts.selectors import organisations_user_may_invite_to
from organisations.models import Role


class InvitationPasswordForm(forms.Form):
    """A new password, typed twice: for an invited person whose account has none yet."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_(
            "At least 12 characters; not a common password, not only digits, "
            "not like your username or e-mail address."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords differ; type the same twice."))
        return cleaned


class InvitationAcceptForm(InvitationPasswordForm):
    """A new account: a username and its password."""

    field_order = ["username", "password", "password_again"]
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only. Others in the portal see it."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class OneTimeCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Type the six digits your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "8"}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class SignInCodeForm(forms.Form):
    """The second-factor step: the authenticator's code, or one of the backup codes."""

    code = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^[\s\dA-Za-z-]{6,12}$",
        help_text=_("Lost your phone? Type one of your backup codes instead."),
        error_messages={
            "invalid": _("Type the six digits your authenticator app shows, or a backup code.")
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "maxlength": "12"}
        ),
    )

    def clean_code(self):
        return backup_code_normalise(self.cleaned_data["code"])


class PasswordRulesInWords:
    """For Django's password forms: the portal's words on the rules instead of a list in
    the help of the new password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = InvitationPasswordForm.base_fields[
            "password"
        ].help_text


class SetPasswordForm(PasswordRulesInWords, DjangoSetPasswordForm):
    """A new password, typed twice."""


class ChangePasswordForm(PasswordRulesInWords, DjangoPasswordChangeForm):
    """The current password, then the new one twice."""


class InviteForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_(
            "The e-mail is written in this language, and the new member's editing area "
            "starts in it."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_user_may_invite_to(user=user)
        self.fields["language"].initial = get_language()

    def clean_language(self):
        """Without a choice, the invitation speaks the language of the one who sends it."""
        return self.cleaned_data["language"] or get_language()


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("What the token is for, such as the system that will use it."),
    )


class PasswordResetForm(WagtailPasswordResetForm):
    """Django sends no reset link to an account without a usable password, for sites whose
    users sign in elsewhere. Here no one does: such an account belongs to a member who has
    not chosen a password yet (add_member), and the link, sent to the address on record,
    is their way in, as an invitation would be."""

    def get_users(self, email):
        User = get_user_model()
        email_field = User.get_email_field_name()
        wanted = _folded(email)
        # As Django does: the database's case-insensitive match may join addresses that
        # differ once Unicode is folded; only the exact address gets the link.
        return (
            user
            for user in User._default_manager.filter(
                **{f"{email_field}__iexact": email, "is_active": True}
            )
            if _folded(getattr(user, email_field)) == wanted
        )


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()
