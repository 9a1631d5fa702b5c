from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django refuses ORM calls from such a
    # thread unless told the test drives it synchronously.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """shot(page, name): a screenshot in test-artifacts/<test>/, and axe-core over the
    page; the test fails at the end on a serious or critical violation."""
    from tests.browser.axe import AxeAudit

    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    count = iter(range(1, 100))
    audit = AxeAudit(folder)

    def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
        page.screenshot(path=str(folder / f"{next(count):02d}-{name}.png"), full_page=True)
        audit.check(page, name)
        audit.check_reflow(page, name, page.viewport_size["width"])

    yield shot
    audit.write()
    blocking = audit.blocking()
    assert not blocking, "axe-core, serious or critical:\n" + "\n".join(f.line() for f in blocking)


def sign_in(browser, live_server, username: str, password: str, width: int = 360):  # type: ignore[no-untyped-def]
    """A fresh browser context signed in as `username`, on the desk's start page."""
    import re

    context = browser.new_context(viewport={"width": width, "height": 780 if width < 600 else 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/desk/$"))
    return page


@pytest.fixture
def walk(request: pytest.FixtureRequest, browser, live_server, language: str, width: int):  # type: ignore[no-untyped-def]
    """A walk in `language` at `width` px (parametrise the test with both); its
    screenshots and axe report go to test-artifacts/<test>/."""
    from tests.browser.axe import AxeAudit
    from tests.browser.walk import Walk

    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    walk = Walk(browser, live_server.url, language, width, folder, AxeAudit(folder))
    yield walk
    walk.finish()
