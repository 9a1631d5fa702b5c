"""One person's walk through the site in one language at one width.

Every page the walk's browser lands on is photographed and checked with axe-core;
`finish` fails the test if a page was reached and not checked (so a new step cannot
skip the audit by accident), or if axe found a serious or critical violation.
The walks click links by their address and buttons by their translated name, so the
same walk runs in English, Russian and Ukrainian.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import translation

from tests.browser.axe import AxeAudit

LANGUAGES = ("en", "ru", "uk")
WIDTHS = (360, 1280)


def every_language_and_width(turn: int) -> list:  # type: ignore[type-arg]
    """The six (language, width) pairs; all but one marked slow.

    `turn` picks the pair that runs by default, so that the default run gives each
    role a different language and width and covers all six across the roles.
    """
    import pytest

    pairs = [(lang, width) for width in WIDTHS for lang in LANGUAGES]
    default = pairs[turn % len(pairs)]
    return [
        pytest.param(
            lang,
            width,
            id=f"{lang}-{width}",
            marks=[] if (lang, width) == default else [pytest.mark.slow],
        )
        for lang, width in pairs
    ]


@dataclass
class Walk:
    browser: object
    base_url: str
    language: str
    width: int
    folder: Path
    axe: AxeAudit
    contexts: list = field(default_factory=list)  # type: ignore[type-arg]
    unchecked: dict = field(default_factory=dict)  # type: ignore[type-arg]  # page -> url
    skipped: list[str] = field(default_factory=list)
    shots: int = 0

    def t(self, text: str, **values: object) -> str:
        """`text` as the page shows it in the walk's language."""
        with translation.override(self.language):
            said = translation.gettext(text)
        return said % values if values else said

    def new_page(self):  # type: ignore[no-untyped-def]
        """A browser of its own (no session), speaking the walk's language."""
        height = 780 if self.width < 600 else 900
        context = self.browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": self.width, "height": height}, locale=self.language
        )
        cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": self.language}
        context.add_cookies([{**cookie, "url": self.base_url}])
        self.contexts.append(context)
        page = context.new_page()
        page.on("framenavigated", lambda frame: self._arrived(page, frame))
        return page

    def _arrived(self, page, frame) -> None:  # type: ignore[no-untyped-def]
        if frame != page.main_frame:
            return
        if page in self.unchecked:
            self.skipped.append(self.unchecked[page])
        self.unchecked[page] = frame.url

    def sign_in(self, username: str, password: str):  # type: ignore[no-untyped-def]
        page = self.new_page()
        self.open(page, "/accounts/login/", "sign-in")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.get_by_role("button", name=self.t("Sign in"), exact=True).click()
        page.wait_for_url(re.compile(r"/desk/$"))
        self.see(page, "desk")
        return page

    def open(self, page, path: str, name: str) -> None:  # type: ignore[no-untyped-def]
        page.goto(self.base_url + path)
        self.see(page, name)

    def follow(self, page, href: str, name: str) -> None:  # type: ignore[no-untyped-def]
        """Click the link to `href` the way a user would (the first one on the page)."""
        page.locator(f"a[href='{href}']").first.click()
        page.wait_for_url(re.compile(re.escape(href) + r"$"))
        self.see(page, name)

    def see(self, page, name: str) -> None:  # type: ignore[no-untyped-def]
        """Photograph the page and check it with axe."""
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == self.language, page.url
        self.shots += 1
        path = self.folder / f"{self.shots:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.axe.check(page, name)
        self.axe.check_reflow(page, name, self.width)
        self.unchecked.pop(page, None)

    def focused(self, page) -> dict:  # type: ignore[no-untyped-def,type-arg]
        """What a keyboard user sees of the focused element: its text, whether it is
        on screen, and its outline."""
        return page.evaluate(
            """() => { const el = document.activeElement, r = el.getBoundingClientRect(),
                s = getComputedStyle(el);
              return {text: el.innerText || el.value || "", tag: el.tagName,
                onscreen: r.bottom > 0 && r.top < innerHeight && r.width > 0,
                outline: s.outlineStyle === "none" ? 0 : parseFloat(s.outlineWidth)}; }"""
        )

    def finish(self) -> None:
        for context in self.contexts:
            context.close()
        self.axe.write()
        missed = self.skipped + list(self.unchecked.values())
        assert not missed, f"pages reached but not checked with axe: {missed}"
        blocking = self.axe.blocking()
        assert not blocking, "axe-core, serious or critical:\n" + "\n".join(
            f.line() for f in blocking
        )
