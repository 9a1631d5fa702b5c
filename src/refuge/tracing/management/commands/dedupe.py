"""`refuge dedupe INPUT.csv --out CLUSTERS.csv [--pairs PAIRS.csv]`: the core command, in Django.

The work is `refuge.core.linkage.cli.run`; `CoreLinkageCommand` is the shell.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from refuge.core.linkage.cli import parser, run
from refuge.tracing.management.core_command import CoreLinkageCommand


class Command(CoreLinkageCommand):
    help = "Group registrations of the same person (CSV in, id,cluster_id out)."

    def core_parser(self) -> argparse.ArgumentParser:
        return parser()

    def core_run(self, args: list[str], out: TextIO, err: TextIO) -> None:
        run(args, out, err)
