"""Login throttling, security headers on the site and in the admin, and the audit log."""

import ipaddress
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.utils import timezone
from wagtail.models import PageLogEntry

from accounts.security import client_ip
from tests.accounts.conftest import PASSWORD
from tests.conftest import login_with_second_factor

LOGIN = "/admin/login/"


def sign_in(client, username, password, ip="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def editor(make_user, org_a):
    return make_user("eddie", org=org_a, role="editor", admin=True)


def test_the_right_password_signs_in(client, editor):
    response = sign_in(client, "eddie", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_brute_force_is_locked_out_even_with_the_right_password(client, editor):
    for _ in range(4):
        response = sign_in(client, "eddie", "wrong password guess")
        assert response.status_code == 200
        assert not signed_in(client)
    # The fifth wrong password locks the account from this address...
    assert sign_in(client, "eddie", "wrong password guess").status_code == 429
    # ...and the sixth attempt is refused though its password is right.
    response = sign_in(client, "eddie", PASSWORD)
    assert response.status_code == 429
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "Too many sign-in attempts" in text
    assert "blocked for 15 minutes after 5 wrong passwords" in text
    assert not signed_in(client)


def test_the_lock_is_for_that_user_from_that_address(client, editor, make_user):
    make_user("other", admin=True)
    for _ in range(5):
        sign_in(client, "eddie", "wrong password guess")
    assert sign_in(client, "other", PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "eddie", PASSWORD, ip="198.51.100.2").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, editor):
    for _ in range(5):
        sign_in(client, "eddie", "wrong password guess")
    assert sign_in(client, "eddie", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "eddie", PASSWORD).status_code == 302
    assert signed_in(client)


PROXIES = [ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("fd00::/8")]


@override_settings(ACCOUNTS_TRUSTED_PROXIES=PROXIES)
@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        # Through the proxy: the address the proxy appended, not what the client wrote.
        ("10.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        # Through two proxies of ours: the first address from the right that is not one.
        ("10.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        ("fd00::1", "2001:db8::7", "2001:db8::7"),
        # Straight to gunicorn: the header is the client's own word and is not believed.
        ("203.0.113.7", "6.6.6.6", "203.0.113.7"),
        ("203.0.113.7", "10.0.0.1", "203.0.113.7"),
        # A proxy of ours with no header, or with garbage in it: the peer's address.
        ("10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", "6.6.6.6, not-an-address", "10.0.0.1"),
    ],
)
def test_forwarded_for_is_believed_only_from_configured_proxies(rf, remote, forwarded, client):
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == client


def test_without_configured_proxies_forwarded_for_is_not_believed(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="203.0.113.7")
    assert client_ip(request) == "203.0.113.7"


def sign_in_forwarded(client, password, *, peer, forwarded):
    return client.post(
        LOGIN,
        {"username": "eddie", "password": password},
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@override_settings(ACCOUNTS_TRUSTED_PROXIES=PROXIES)
def test_a_direct_client_cannot_escape_the_lock_by_inventing_addresses(client, editor):
    for attempt in range(5):
        sign_in_forwarded(
            client, "wrong password guess", peer="203.0.113.7", forwarded=f"198.51.100.{attempt}"
        )
    response = sign_in_forwarded(client, PASSWORD, peer="203.0.113.7", forwarded="198.51.100.99")
    assert response.status_code == 429
    assert not signed_in(client)


@override_settings(ACCOUNTS_TRUSTED_PROXIES=PROXIES)
def test_behind_the_proxy_one_client_is_locked_and_another_is_not(client, editor):
    for _ in range(5):
        sign_in_forwarded(client, "wrong password guess", peer="10.0.0.1", forwarded="203.0.113.7")
    response = sign_in_forwarded(client, PASSWORD, peer="10.0.0.1", forwarded="198.51.100.2")
    assert response.status_code == 302
    assert signed_in(client)


# --- headers ---------------------------------------------------------------------------


def policy(response) -> dict[str, str]:
    directives = (
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return dict(directives)


def test_public_pages_forbid_inline_scripts_and_framing(client, portal_db):
    response = client.get("/en/")
    assert response.status_code == 200
    csp = policy(response)
    assert csp["script-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()


def test_the_admin_works_under_its_policy(client, superuser, org_a):
    """Sign in, open the page explorer and an edit page. Wagtail 8 still writes inline
    <script> elements (widget start-up), so admin pages alone allow inline scripts; no page
    allows scripts from elsewhere, eval or plugins."""
    login_with_second_factor(client, superuser)
    for url in (
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{org_a.get_parent().pk}/",
        f"/admin/pages/{org_a.pk}/edit/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = policy(response)
        assert csp["script-src"] == "'self' 'unsafe-inline'", url
        assert "unsafe-eval" not in response["Content-Security-Policy"]
        assert csp["object-src"] == "'none'"
        assert csp["frame-ancestors"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
    assert "Organisation A" in client.get(f"/admin/pages/{org_a.pk}/edit/").content.decode()


def test_session_and_csrf_cookies_are_http_only(client, editor):
    sign_in(client, "eddie", PASSWORD)
    assert client.cookies["sessionid"]["httponly"]
    client.get(LOGIN)
    assert client.cookies["csrftoken"]["httponly"]


# --- audit log -------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The values a browser would submit from the page's edit form."""

    def __init__(self):
        super().__init__()
        self.data, self.in_form, self.textarea, self.select = {}, False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "page-edit-form":
            self.in_form = True
        if not self.in_form or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file", "checkbox"):
            self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "input" and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.data[attrs["name"]] = attrs.get("value") or "on"
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.data[self.textarea] = ""
        elif tag == "select":
            self.select = attrs["name"]
            self.data[self.select] = ""
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None


def test_the_audit_log_names_who_published_in_the_admin(client, superuser, org_a):
    login_with_second_factor(client, superuser)
    edit_url = f"/admin/pages/{org_a.pk}/edit/"
    parser = FormFields()
    parser.feed(client.get(edit_url).content.decode())
    data = {**parser.data, "description": "Changed in the admin", "action-publish": "publish"}
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    org_a.refresh_from_db()
    assert org_a.description == "Changed in the admin"
    entry = PageLogEntry.objects.filter(page=org_a, action="wagtail.publish").latest("timestamp")
    assert entry.user == superuser
    history = client.get(f"/admin/pages/{org_a.pk}/history/").content.decode()
    assert "Published" in history and "root" in history
