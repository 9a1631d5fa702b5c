"""`refuge serve`: the web app behind a production WSGI server (gunicorn).

Several worker processes, each serving one request at a time: a Django request is
mostly Python, which one process runs on one core at a time. gunicorn's default of
two per core plus one keeps the cores busy while some requests wait on the database.
Threaded workers were measured and dropped: a browser's keep-alive connection stays
with the worker that accepted it, so one process took most desks and queued them on
its lock while the other core idled (docs/PERFORMANCE.md, "Registration desk").
"""

from __future__ import annotations

import gc
import os

from django.core.management.base import BaseCommand, CommandError, CommandParser


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


def server_options(*, host: str, port: int, workers: int) -> dict[str, object]:
    """gunicorn's settings for Refuge; no access log, since a URL is all it would add."""
    if workers < 1:
        raise CommandError("--workers must be at least 1")
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        # Load Django once and fork: the workers share its memory, and a broken
        # configuration fails at start instead of in every worker.
        "preload_app": True,
        "timeout": 120,
        "graceful_timeout": 20,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }


#: Tracked objects allocated (net) before a young collection; Python's default is 700.
#: A request that lists every shelter holds some 12,000 row objects at once: at 700 it
#: ran about 17 young collections, which moved its rows into the old generation and
#: set off a full collection every few requests (9 in 100, ~11 ms each, at scale 10).
#: At 10,000 there were none in 100 (docs/PERFORMANCE.md). What a request leaves to
#: the collector is a few hundred small objects, so garbage does not pile up.
GC_YOUNG_THRESHOLD = 10_000


def settle_before_fork() -> None:
    """Load what every request needs once, in the parent, then exempt it from the GC.

    The desk's linkage model and the name tables are hundreds of thousands of objects
    that live as long as the process. Each full collection walked them all (about
    0.1 s, a visible pause in a desk's request); frozen, the collector skips them,
    and the forked workers share their pages instead of copying them.
    """
    from refuge.tracing.model import desk_model

    desk_model()
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


class Command(BaseCommand):
    help = "Serve the web application."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="server processes (default: two per core, plus one)",
        )

    def handle(self, *args: object, **opts: object) -> None:
        from gunicorn.app.base import BaseApplication

        from refuge.api import metrics
        from refuge.wsgi import application

        metrics.clear()  # /metrics counts this server's requests, not an earlier one's

        options = server_options(
            host=str(opts["host"]),
            port=int(opts["port"]),  # type: ignore[call-overload]
            workers=int(opts["workers"]),  # type: ignore[call-overload]
        )

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self) -> object:
                settle_before_fork()
                return application

        self.stdout.write(
            f"Refuge on http://{opts['host']}:{opts['port']}/ with {options['workers']} "
            f"processes (Ctrl-C stops it)"
        )
        self.stdout.flush()
        Server().run()
