"""Writes: backup codes of the second factor, and its reset by a moderator.

Backup codes are django_otp static tokens: each is accepted once at the second-factor step
(django_otp.match_token tries every confirmed device) and then deleted. They are shown once,
when made; a new set replaces the old one.
"""

import logging

from django.db import transaction
from django.utils.translation import gettext
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from wagtail.log_actions import log

logger = logging.getLogger(__name__)

BACKUP_CODE_COUNT = 10
SECOND_FACTOR_RESET = "accounts.second_factor_reset"


@transaction.atomic
def backup_codes_create(*, user) -> list[str]:
    """Make a new set of backup codes for the user, replacing any earlier set; returns the
    codes, which the caller shows once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=gettext("Backup codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_code_normalise(code: str) -> str:
    """Backup codes are typed as shown or not: spaces, hyphens and capitals do not matter."""
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def second_factor_reset(*, user, reset_by=None) -> int:
    """Remove the user's authenticator and backup codes, so that they set up a new second
    factor at their next sign-in (a session verified with a removed device is no longer
    verified). Logged in the admin's history with who and when. Returns how many devices
    were removed."""
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    log(instance=user, action=SECOND_FACTOR_RESET, user=reset_by)
    logger.info(
        "Second factor of %s reset by %s (%d devices removed)",
        user.get_username(),
        reset_by.get_username() if reset_by else "the command line",
        len(devices),
    )
    return len(devices)
