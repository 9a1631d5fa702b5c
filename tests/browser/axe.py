"""axe-core over every page a browser walk visits.

axe-playwright-python injects axe-core (the version it ships) into the page and runs
it. We keep every violation, write them next to the screenshots, and fail on those
that shut a user out (impact serious or critical): missing labels and names, contrast,
the language of the page, touch targets too small to hit on a phone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

BLOCKING = ("serious", "critical")

# Default rules plus the WCAG 2.2 target size (24 px), which matters most at 360 px:
# registrars and shelter managers work on phones.
OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


@dataclass
class Finding:
    page: str  # the screenshot's name and the URL's path
    rule: str
    impact: str
    help: str
    targets: list[str]

    def line(self) -> str:
        where = ", ".join(self.targets[:4]) + (" …" if len(self.targets) > 4 else "")
        return f"{self.page}: {self.rule} ({self.impact}) {self.help} — {where}"


@dataclass
class AxeAudit:
    folder: Path
    findings: list[Finding] = field(default_factory=list)
    pages: int = 0

    def check(self, page, name: str) -> None:  # type: ignore[no-untyped-def]
        from axe_playwright_python.sync_playwright import Axe

        result = Axe().run(page, options=OPTIONS).response
        self.pages += 1
        where = f"{name} {_path(page.url)}"
        for violation in result["violations"]:
            self.findings.append(
                Finding(
                    page=where,
                    rule=violation["id"],
                    impact=violation["impact"] or "unknown",
                    help=violation["help"],
                    targets=[" ".join(map(str, n["target"])) for n in violation["nodes"]],
                )
            )

    def check_reflow(self, page, name: str, width: int) -> None:  # type: ignore[no-untyped-def]
        """WCAG 1.4.10: nothing but a wide table (inside its own scrolling box) may make
        the page scroll sideways; axe-core does not test this."""
        if page.evaluate("matchMedia('print').matches"):
            return  # paper has no sideways scrolling; a print shot is not a phone
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            culprits = page.evaluate(
                """(w) => { const inside = (wrap, w) => wrap && wrap.getBoundingClientRect().right <= w;
                  return [...document.querySelectorAll("body *")]
                  .filter(el => el.getBoundingClientRect().right > w
                    && (!inside(el.closest(".table-wrap"), w) || getComputedStyle(el).position === "absolute"))
                  .slice(0, 4).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                    + (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "")) }""",
                width,
            )
            self.findings.append(
                Finding(
                    f"{name} {_path(page.url)}",
                    "reflow",
                    "serious",
                    f"the page is {wide} px wide in a {width} px window",
                    culprits,
                )
            )

    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.impact in BLOCKING]

    def write(self) -> None:
        report = [f.__dict__ for f in self.findings]
        (self.folder / "axe.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
