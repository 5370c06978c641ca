import time

from django.core.management.base import BaseCommand

from search.queue import index_queue_process


class Command(BaseCommand):
    help = (
        "Apply index updates queued while the search engine was down. With --watch, keep "
        "doing so every few seconds (a worker process)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--watch", action="store_true", help="Run until interrupted.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between runs.")

    def handle(self, *args, watch: bool, interval: float, **options):
        while True:
            report = index_queue_process()
            if report.applied or report.error or not watch:
                line = f"Applied {report.applied} updates; {report.remaining} remain queued."
                if report.error:
                    line += f" Engine unavailable: {report.error}"
                self.stdout.write(line)
            if not watch:
                return
            time.sleep(interval)
