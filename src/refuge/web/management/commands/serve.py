"""`refuge serve`: the web app behind a production WSGI server (waitress)."""

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the web application."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: object, **opts: object) -> None:
        from waitress import serve

        from refuge.wsgi import application

        self.stdout.write(f"Refuge on http://{opts['host']}:{opts['port']}/ (Ctrl-C stops it)")
        serve(application, host=opts["host"], port=opts["port"], threads=opts["threads"])
