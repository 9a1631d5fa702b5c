"""`refuge pfif export|import`: exchange persons and notes with partners in PFIF 1.4."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from refuge.core import pfif
from refuge.interchange.matching import do_match_imported
from refuge.interchange.pfif import do_import_pfif, export_records
from refuge.reports.selectors import UnknownOperation, operation_named
from refuge.tracing.model import desk_model


class Command(BaseCommand):
    help = "Export consented registrations as PFIF 1.4, or import a partner's PFIF file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write consented persons as PFIF 1.4")
        export.add_argument("--out", required=True, help="file to write (- for stdout)")
        export.add_argument("--operation", help="operation slug (default: the only one)")
        export.add_argument(
            "--since", help="only records with entry_date at or after this (YYYY-MM-DDThh:mm:ssZ)"
        )
        imp = sub.add_parser("import", help="read a partner's PFIF 1.2-1.4 file")
        imp.add_argument("file")

    def handle(self, *args: object, **opts: object) -> None:
        if opts["action"] == "export":
            self._export(opts)
        else:
            self._import(Path(str(opts["file"])))

    def _export(self, opts: dict[str, object]) -> None:
        try:
            operation = operation_named(opts.get("operation"))  # type: ignore[arg-type]
            since = pfif.parse_date(str(opts["since"]), "--since") if opts.get("since") else None
        except (UnknownOperation, pfif.PfifError) as e:
            raise CommandError(str(e)) from None
        records = export_records(operation, now=timezone.now(), since=since)
        out = str(opts["out"])
        if out == "-":
            count = pfif.write(records, sys.stdout.buffer)
        else:
            target = Path(out)
            # Written beside the target and renamed: a partner never reads half a file.
            fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=".pfif-")
            try:
                with os.fdopen(fd, "wb") as f:
                    count = pfif.write(records, f)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        self.stderr.write(f"exported {count} person records")

    def _import(self, path: Path) -> None:
        # The matching step's model is trained (if not yet saved) before the file is read, so
        # that the training's memory is reused by the import instead of added to it.
        desk_model()
        try:
            with path.open("rb") as f:
                result = do_import_pfif(pfif.read(f), now=timezone.now())
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except OSError as e:
            raise CommandError(f"{path}: cannot be read ({e.strerror})") from None
        except pfif.PfifError as e:
            raise CommandError(f"{path}: {e}; nothing was imported") from None
        self.stdout.write(
            f"{path}: {result.created} new, {result.updated} updated, {result.unchanged} older "
            f"copies ignored, {result.emptied} expired or emptied, {result.own} of our own "
            f"skipped, {result.notes} notes"
        )
        matched = do_match_imported(result.stored_ids)
        self.stdout.write(f"{matched} possible matches with registered persons for review")
