"""Users with roles in organisations, and the code their authenticator app shows."""

import pytest
from django.contrib.auth.models import Group, Permission
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.models import NETWORK_STAFF_GROUP, Membership
from organisations.services import organisation_upsert

PASSWORD = "correct horse battery staple"


@pytest.fixture
def org_a(portal_db):
    return organisation_upsert(id="org-a", name="Organisation A", country="DE")


@pytest.fixture
def org_b(portal_db):
    return organisation_upsert(id="org-b", name="Organisation B", country="FR")


@pytest.fixture
def make_user(django_user_model):
    """make_user("ann", org=org_a, role="moderator", admin=True, staff=False)"""

    def make(username, *, org=None, role="member", admin=False, staff=False, **fields):
        user = django_user_model.objects.create_user(
            username, f"{username}@example.org", PASSWORD, **fields
        )
        if org is not None:
            Membership.objects.create(user=user, organisation=org, role=role)
        if admin:
            user.user_permissions.add(
                Permission.objects.get(
                    codename="access_admin", content_type__app_label="wagtailadmin"
                )
            )
        if staff:
            user.groups.add(Group.objects.get_or_create(name=NETWORK_STAFF_GROUP)[0])
        return user

    return make


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for this device."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"
