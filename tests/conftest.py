import pytest

from portal.services import site_ensure
from vocabulary.services import vocabulary_load


@pytest.fixture
def portal_db(db):
    """An empty portal: home page, /organisations/ and the controlled vocabulary."""
    site_ensure()
    vocabulary_load()


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "x" * 16)


def login_with_second_factor(client, user):
    """Sign a user in to the admin as if they had typed a valid TOTP code: editors,
    moderators and staff must have a second factor in this session."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
