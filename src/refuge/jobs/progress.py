"""A progress bar for long commands: rich's, on stderr, only when stderr is a terminal.

Imports, `refuge tracing index|scan` and `refuge jobs work` (the job it runs: an export,
a queue's plan…) draw it. Off a terminal the commands stay quiet, except the imports,
whose `done/total` lines scripts read (`lines=True`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO


@contextmanager
def cli_progress(
    label: str, stream: IO[str] | None = None, *, lines: bool = False
) -> Iterator[Callable[[int, int], None]]:
    """Yields progress(done, total); draws a bar on a TTY. Elsewhere (a pipe, a log) it is
    quiet, or with `lines` writes `\\rdone/total label`, which scripts and
    tests/test_import_killed.py read."""
    stream = stream or sys.stderr
    if not stream.isatty() and not lines:
        yield lambda done, total: None
        return
    if not stream.isatty():

        def plain(done: int, total: int) -> None:
            stream.write(f"\r{done}/{total} {label}" + ("\n" if done >= total else ""))
            stream.flush()

        yield plain
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(file=stream),
        transient=False,
    )
    task = bar.add_task(label, total=None)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total)
