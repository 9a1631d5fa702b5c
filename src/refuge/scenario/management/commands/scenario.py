"""`refuge scenario load kursk-2024 [--scale F] [--seed N] [--reregistered SHARE]`."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.scenario import kursk2024, ternopil2024

SCENARIOS = {"kursk-2024": kursk2024, "ternopil-2024": ternopil2024}


class Command(BaseCommand):
    help = "Load a reference scenario into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load a scenario")
        load.add_argument("name", choices=sorted(SCENARIOS))
        load.add_argument("--scale", type=float, default=1.0, help="population multiplier (>0)")
        load.add_argument("--seed", type=int, default=2024, help="same seed, same data")
        load.add_argument(
            "--reregistered",
            type=float,
            default=0.0,
            help="share of households registered a second time at another point (0-1)",
        )
        sub.add_parser("list", help="list the scenarios")

    def handle(self, *args: object, **opts: object) -> None:
        if opts["action"] == "list":
            for name, module in SCENARIOS.items():
                self.stdout.write(f"{name}: {(module.__doc__ or '').strip().splitlines()[0]}")
            return
        started = time.monotonic()
        try:
            op = SCENARIOS[str(opts["name"])].load(
                scale=float(opts["scale"]),  # type: ignore[arg-type]
                seed=int(opts["seed"]),  # type: ignore[call-overload]
                reregistered=float(opts["reregistered"]),  # type: ignore[arg-type]
                progress=lambda line: (
                    self.stdout.write(f"  {line}") if int(opts["verbosity"]) > 1 else None
                ),  # type: ignore[call-overload]
            )
        except kursk2024.ScenarioError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"loaded {op.slug} (scale {opts['scale']}, seed {opts['seed']}) "
            f"in {time.monotonic() - started:.1f} s"
        )
