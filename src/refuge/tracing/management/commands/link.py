"""`refuge link LEFT.csv RIGHT.csv --out LINKS.csv [--one-to-one]`: the core command, in Django.

The work is `refuge.core.linkage.cli.run_link`; `CoreLinkageCommand` is the shell.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from refuge.core.linkage.cli import link_parser, run_link
from refuge.tracing.management.core_command import CoreLinkageCommand


class Command(CoreLinkageCommand):
    help = (
        "Find each record of one CSV in another (left_id,right_id,match_probability,reasons out)."
    )

    def core_parser(self) -> argparse.ArgumentParser:
        return link_parser()

    def core_run(self, args: list[str], out: TextIO, err: TextIO) -> None:
        run_link(args, out, err)
