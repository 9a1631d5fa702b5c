"""`refuge jobs work` runs a worker; `refuge jobs list` / `show ID` / `enqueue KIND`;
`refuge jobs purge` deletes the files jobs made (large exports) past their retention."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.jobs import files, queue
from refuge.jobs.models import Job
from refuge.jobs.progress import cli_progress


class Command(BaseCommand):
    help = "Run the background job worker, or list, show and enqueue jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        work = sub.add_parser("work", help="claim and run jobs")
        work.add_argument("--until-empty", action="store_true", help="stop when none is left")
        work.add_argument("--poll", type=float, default=2.0, help="seconds between looks")
        sub.add_parser("list", help="the last 50 jobs")
        show = sub.add_parser("show", help="one job and its log")
        show.add_argument("id", type=int)
        enqueue = sub.add_parser("enqueue", help="queue a job of a registered kind")
        enqueue.add_argument("kind")
        enqueue.add_argument("--payload", default="{}", help="JSON object")
        purge = sub.add_parser("purge", help="delete job files past their retention")
        purge.add_argument(
            "--older-than",
            type=float,
            metavar="HOURS",
            help="hours after the job finished (default REFUGE_JOB_FILE_RETENTION_HOURS, 24)",
        )

    @contextmanager
    def _bars(self) -> Iterator[None]:
        """On a terminal, a bar for the job being run (`job N kind`); quiet elsewhere."""
        stream = self.stderr._out
        if not stream.isatty():
            yield
            return
        bars = ExitStack()
        current: dict[str, Any] = {}

        def draw(job: Job) -> None:
            if current.get("pk") != job.pk:
                bars.close()
                current.update(pk=job.pk, bar=bars.enter_context(
                    cli_progress(f"job {job.pk} {job.kind}", stream)))  # fmt: skip
            current["bar"](job.done, job.total)

        with bars, queue.watching(draw):
            yield

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "work":
            with self._bars():
                ran = queue.work(until_empty=options["until_empty"], poll=options["poll"])
            self.stdout.write(f"{ran} job(s) run")
        elif action == "purge":
            hours = options["older_than"]
            if hours is not None and hours < 0:
                raise CommandError("--older-than must be 0 or more hours")
            older = None if hours is None else timedelta(hours=hours)
            self.stdout.write(f"{files.purge(older_than=older)} job file(s) deleted")
        elif action == "list":
            for job in Job.objects.order_by("-pk")[:50]:
                self.stdout.write(
                    f"{job.pk}\t{job.kind}\t{job.state}\t{job.done}/{job.total}\t{job.attempts}"
                )
        elif action == "show":
            job = Job.objects.filter(pk=options["id"]).first()
            if job is None:
                raise CommandError(f"no job {options['id']}")
            self.stdout.write(f"{job.kind} {job.state} {job.done}/{job.total} {job.error}")
            for line in job.lines.all():
                self.stdout.write(f"{line.at:%Y-%m-%d %H:%M:%S} [{line.attempt}] {line.message}")
        else:
            if options["kind"] not in queue.kinds():
                raise CommandError(f"no job kind {options['kind']!r}")
            try:
                payload = json.loads(options["payload"])
            except ValueError as error:
                raise CommandError(f"--payload is not JSON: {error}") from None
            if not isinstance(payload, dict):
                raise CommandError("--payload must be a JSON object")
            self.stdout.write(str(queue.enqueue(options["kind"], payload).pk))
