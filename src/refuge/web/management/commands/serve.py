"""`refuge serve`: the web app behind a production WSGI server (gunicorn).

One worker process per core by default: a Django request is mostly Python, which one
process runs on one core at a time, so a single process leaves the other cores idle
while desks queue (docs/PERFORMANCE.md, "Registration desk"). Each worker also runs
a few threads, so a request waiting on the database does not hold up the next one.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError, CommandParser


def server_options(*, host: str, port: int, workers: int, threads: int) -> dict[str, object]:
    """gunicorn's settings for Refuge; no access log, since a URL is all it would add."""
    if workers < 1 or threads < 1:
        raise CommandError("--workers and --threads must be at least 1")
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        # Load Django once and fork: the workers share its memory, and a broken
        # configuration fails at start instead of in every worker.
        "preload_app": True,
        "timeout": 120,
        "graceful_timeout": 20,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }


class Command(BaseCommand):
    help = "Serve the web application."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="server processes (default: one per core)",
        )
        parser.add_argument("--threads", type=int, default=4, help="threads per process")

    def handle(self, *args: object, **opts: object) -> None:
        from gunicorn.app.base import BaseApplication

        from refuge.wsgi import application

        options = server_options(
            host=str(opts["host"]),
            port=int(opts["port"]),  # type: ignore[call-overload]
            workers=int(opts["workers"]),  # type: ignore[call-overload]
            threads=int(opts["threads"]),  # type: ignore[call-overload]
        )

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self) -> object:
                return application

        self.stdout.write(
            f"Refuge on http://{opts['host']}:{opts['port']}/ with {options['workers']} "
            f"processes (Ctrl-C stops it)"
        )
        self.stdout.flush()
        Server().run()
