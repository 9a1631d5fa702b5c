"""`refuge cap import FILE…`: partners' CAP 1.1/1.2 messages into the warnings store.

Every file is checked before any is stored: one refused file stores none, and the
message names the file and the element at fault.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from refuge.accounts.scope import Actor
from refuge.alerts.actions import do_import_cap
from refuge.core import cap


class Command(BaseCommand):
    help = "Import partners' CAP messages (CAP 1.1 or 1.2 XML files)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="read CAP messages from files")
        imp.add_argument("files", nargs="+", help="CAP XML files")

    def handle(self, *args: object, **opts: object) -> None:
        loaded = []
        for name in opts["files"]:  # type: ignore[attr-defined]
            path = Path(str(name))
            try:
                size = path.stat().st_size
                # The size first: a 20 MB "message" is refused unread.
                if size > cap.MAX_BYTES:
                    raise cap.CapError(f"{size:,} bytes; at most {cap.MAX_BYTES:,} are read")
                data = path.read_bytes()
                cap.read(data)
            except OSError as e:
                raise CommandError(f"{path}: {e.strerror or e}") from None
            except cap.CapError as e:
                raise CommandError(f"{path}: {e}") from None
            loaded.append((path, data))
        actor = Actor(user=None, membership=None)
        new = 0
        with transaction.atomic():
            for path, data in loaded:
                _alert, created = do_import_cap(actor=actor, data=data, source=path.name)
                new += created
        self.stderr.write(f"imported {new} CAP messages ({len(loaded) - new} already there)")
