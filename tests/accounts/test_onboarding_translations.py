"""The onboarding in French and German: the set-password e-mail and page, the backup codes,
the admin's sign-in page and the editor's dashboard, with no English string of their own."""

from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.users.models import UserProfile

from organisations.models import Role
from tests.accounts.conftest import LANGUAGES, assert_translated, current_code, text_of
from tests.conftest import login_with_second_factor


@pytest.mark.parametrize("language", LANGUAGES)
def test_set_password_mail_and_page_speak_the_members_language(client, portal_db, language):
    options = ["--org", "org-a", "--role", "member", "--email", "n@example.org"]
    call_command("add_member", "nadia", *options, "--language", language, stdout=StringIO())
    [message] = mail.outbox
    with translation.override(language):
        assert message.subject == translation.gettext(
            "Your account at %(organisation)s on %(site)s"
        ) % {"organisation": "org-a", "site": settings.WAGTAIL_SITE_NAME}
    path = message.body[message.body.index(f"/{language}/accounts/set-password/") :].split()[0]
    page = client.get(path, follow=True)
    assert_translated(text_of(page), language, ["Choose your password", "Save my password"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_backup_codes_page_speaks_the_readers_language(client, make_user, org_a, language):
    editor = make_user("eddie", org=org_a, role=Role.EDITOR, admin=True)
    client.force_login(editor)
    with translation.override(language):
        url = reverse("accounts:2fa_setup")
    client.get(url)
    device = TOTPDevice.objects.get(user=editor)
    shown = client.post(url, {"code": current_code(device), "next": "/admin/"})
    assert_translated(
        text_of(shown), language, ["Your backup codes", "I have saved my codes: continue"]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_sign_in_and_editor_dashboard_speak_the_editors_language(
    client, make_user, org_a, language
):
    sign_in = client.get(reverse("wagtailadmin_login"), HTTP_ACCEPT_LANGUAGE=language)
    with translation.override(language):
        expected = translation.gettext("Sign in to %(name)s") % {"name": settings.WAGTAIL_SITE_NAME}
    assert expected in sign_in.content.decode()

    editor = make_user("eddie", org=org_a, role=Role.EDITOR, admin=True)
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = language
    profile.save()
    login_with_second_factor(client, editor)
    dashboard = text_of(client.get(reverse("wagtailadmin_home")))
    assert_translated(
        dashboard,
        language,
        ["Your entries", "New practice", "New lesson", "Your drafts", "You have no drafts."],
    )
