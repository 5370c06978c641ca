import logging
import time

from django.core.management.base import BaseCommand

from search.drift import index_drift_check
from search.engine_adapters import EngineError, EngineUnavailable
from search.queue import index_queue_process

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Apply index updates queued while the search engine was down. With --watch, keep "
        "doing so every few seconds (a worker process), and check the index for drift from "
        "the database and repair it every --drift-minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--watch", action="store_true", help="Run until interrupted.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between runs.")
        parser.add_argument(
            "--drift-minutes",
            type=float,
            default=60.0,
            help="Minutes between drift checks while watching (0: never).",
        )

    def handle(self, *args, watch: bool, interval: float, drift_minutes: float, **options):
        next_drift_check = time.monotonic() + drift_minutes * 60
        while True:
            report = index_queue_process()
            if report.applied or report.error or not watch:
                line = f"Applied {report.applied} updates; {report.remaining} remain queued."
                if report.error:
                    line += f" Engine unavailable: {report.error}"
                self.stdout.write(line)
            if not watch:
                return
            if drift_minutes and time.monotonic() >= next_drift_check and not report.error:
                self._repair_drift()
                next_drift_check = time.monotonic() + drift_minutes * 60
            time.sleep(interval)

    def _repair_drift(self) -> None:
        try:
            drift = index_drift_check(repair=True)
        except (EngineError, EngineUnavailable):
            logger.exception("search index drift check failed")
            return
        if not drift.clean:
            self.stdout.write(f"Drift check: {drift.summary()}.")
