import logging
import time

from django.core.management.base import BaseCommand, CommandError

from follow.models import Frequency
from follow.services import digests_send

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "E-mail each saved search due a digest the entries new or updated in it since its "
        "last one (only what its owner may read, in their language; nothing when nothing is "
        "new). With --every, keep doing so every few minutes (a worker process)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=[Frequency.DAILY, Frequency.WEEKLY],
            help="Only the saved searches of this digest (default: every digest that is due).",
        )
        parser.add_argument(
            "--every",
            type=float,
            metavar="MINUTES",
            help="Run until interrupted, looking for digests due every MINUTES.",
        )

    def handle(self, *args, frequency: str | None, every: float | None, **options):
        if every is not None and every <= 0:
            raise CommandError("--every must be a positive number of minutes.")
        while True:
            try:
                report = digests_send(frequency=frequency)
            except Exception:
                if every is None:
                    raise
                # A worker outlives a database or mail relay that is away for a while.
                logger.exception("sending digests failed")
            else:
                if report.checked or every is None:
                    self.stdout.write(report.summary())
            if every is None:
                return
            time.sleep(every * 60)
