"""The `refuge` console command: Django's management commands with Refuge's settings.

`place` and `dedupe` are pure-core commands (refuge.core.placement.cli, refuge.core.linkage.cli)
that the management commands only wrap. Loading Django for them cost about a second of a 2.1 s
`refuge place` on 4,000 households, so they run here straight from the core, printing what the
management commands print (`CommandError: ...` on stderr, the same stdout) with the same exit
codes. Whatever the fast path would not reproduce exactly (help, Django's own options such as
`--settings` or `-v`, an abbreviated option, a wrong command line) goes through Django, which
then prints its own usage and message.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    fast = FAST_COMMANDS.get(args[0]) if args else None
    status = fast(args[1:]) if fast is not None else None
    if status is not None:
        sys.stdout.flush()
        raise SystemExit(status)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refuge.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    try:
        execute_from_command_line(["refuge", *args])
    except (OperationalError, ProgrammingError) as error:
        if not _no_tables(error):
            raise
        raise SystemExit(_command_error(_unmigrated(), 1)) from None


def _no_tables(error: Exception) -> bool:
    """A database that has not been migrated: SQLite's and PostgreSQL's words for it."""
    text = str(error)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def _unmigrated() -> str:
    """Where the command looked, and what to do (instead of a traceback)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = db["NAME"] if "sqlite" in db["ENGINE"] else f"{db.get('HOST') or 'local'}/{db['NAME']}"
    return (
        f"the database {where} has no Refuge tables yet: run `refuge migrate` there first, "
        "or set REFUGE_DATA_DIR (or DATABASE_URL) to your deployment's (the demo's is var/demo)"
    )


class _CommandOutput:
    """Writes as Django's OutputWrapper does: a line end is added to a write without one."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        self.stream.write(text if text.endswith("\n") else text + "\n")

    def flush(self) -> None:
        self.stream.flush()


def _command_error(message: str, status: int) -> int:
    print(f"CommandError: {message}", file=sys.stderr)
    return status


def _only_core_options(args: Sequence[str], known: set[str]) -> bool:
    """True when every option is spelled in full as the core parser names it: no help, no
    Django option, no abbreviation that Django's larger parser could read differently."""
    return all(
        not arg.startswith("-") or arg == "-" or arg.split("=", 1)[0] in known for arg in args
    )


def _place(args: Sequence[str]) -> int | None:
    from refuge.core.placement.cli import UsageError, build_parser, run_place, summary
    from refuge.core.placement.csvio import InputFileError

    parser = build_parser()
    known = {s for s in parser._option_string_actions if s not in ("-h", "--help")}
    if not _only_core_options(args, known):
        return None
    try:
        options = parser.parse_args(list(args))
    except UsageError:
        return None  # Django's parser prints the usage and the message, exit status 2
    try:
        placement = run_place(
            options.households,
            options.shelters,
            options.out,
            options.travel_matrix,
            options.prefer_region,
            options.quotas,
            options.time_limit,
        )
    except InputFileError as problem:
        return _command_error(str(problem), 1)
    except OSError as problem:  # the output cannot be written (permissions, disk full)
        return _command_error(f"{problem.filename or ''}: {problem.strerror}", 1)
    _CommandOutput(sys.stdout).write(summary(placement))
    return 0


def _dedupe(args: Sequence[str]) -> int | None:
    # The management command hands everything after its first positional argument to the
    # core parser untouched; before it, Django's own parser would read the options.
    if not args or args[0].startswith("-"):
        return None
    from refuge.core.linkage.cli import UsageError, run
    from refuge.core.linkage.csvio import InputError

    try:
        run(list(args), _CommandOutput(sys.stdout))  # type: ignore[arg-type]
    except UsageError as problem:
        return _command_error(str(problem), 2)
    except InputError as problem:
        return _command_error(str(problem), 1)
    except OSError as problem:
        return _command_error(f"{problem.filename or ''}: {problem.strerror}", 1)
    return 0


FAST_COMMANDS: dict[str, Callable[[Sequence[str]], int | None]] = {
    "place": _place,
    "dedupe": _dedupe,
}


if __name__ == "__main__":
    main()
