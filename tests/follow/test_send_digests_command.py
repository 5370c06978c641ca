"""send_digests as a worker: --every keeps looking for digests due, and says what it sent."""

from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


class Stop(Exception):
    pass


def test_every_runs_again_after_the_given_minutes():
    output = StringIO()
    with mock.patch("follow.management.commands.send_digests.time.sleep") as sleep:
        sleep.side_effect = [None, Stop]
        with pytest.raises(Stop):
            call_command("send_digests", "--every", "15", stdout=output)
    assert [call.args for call in sleep.call_args_list] == [(900.0,), (900.0,)]
    # A worker's round with nothing due says nothing; a single run reports.
    assert output.getvalue() == ""
    call_command("send_digests", stdout=output)
    assert output.getvalue() == "Checked 0 saved searches due; sent 0 digests.\n"


def test_every_must_be_a_positive_number_of_minutes():
    with pytest.raises(CommandError, match="--every must be a positive number of minutes"):
        call_command("send_digests", "--every", "0")
