"""A coordinator asks for a long households list, watches the job reach 100 % and
downloads the file; then asks for a plan for everyone waiting and reviews it.

The threshold is lowered (settings.EXPORT_JOB_ROWS = 3) so that the world's handful of
households stands for the 10,000 of the field. The worker runs beside the live server
(`queue.work` in a thread, as `refuge jobs work` would in its own process).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from refuge.desks.tests.world import PASSWORD, World, build_world, register
from refuge.jobs import queue
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _worker() -> None:
    worker = threading.Thread(target=queue.work, kwargs={"until_empty": True, "poll": 0.2})
    worker.start()
    worker.join(timeout=120)


def test_a_coordinator_downloads_a_long_list_made_by_a_job(
    browser, live_server, shots, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    settings.EXPORT_JOB_ROWS = 3
    world: World = build_world()
    for family in ("Коваленко", "Шевченко", "Бондаренко", "Ткаченко"):
        register(world.operation, world.point_a, family, size=2)

    page = sign_in(browser, live_server, "national", PASSWORD, width=1280)
    page.goto(f"{live_server.url}/desk/households/")
    page.get_by_role("link", name="CSV").click()
    expect(page.locator("#export-rows")).to_contain_text("6 rows")
    shots(page, "long-list-offer")
    page.get_by_role("button", name="Make the file").click()
    page.wait_for_selector("#job-progress")
    assert "/desk/exports/" in page.url and "Коваленко" not in page.url
    shots(page, "export-queued")

    _worker()
    # the page's own poller redraws the bar (the CSP forbids Playwright's eval waits)
    expect(page.locator("#job-percent")).to_have_text("100 %", timeout=30_000)
    assert "6 rows written" in page.inner_text("#job-log")
    shots(page, "export-done")
    with page.expect_download() as download:
        page.locator("#job-result").click()
    path = download.value.path()
    assert download.value.suggested_filename == "households.csv"
    text = Path(path).read_bytes().decode("utf-8")
    assert text.startswith("\ufeffHousehold,") and len(text.splitlines()) == 7

    page.goto(f"{live_server.url}/placement/")
    page.get_by_role("button", name="Make a plan for everyone waiting").click()
    page.wait_for_selector("#job-progress")
    _worker()
    expect(page.locator("#job-percent")).to_have_text("100 %", timeout=30_000)
    shots(page, "plan-done")
    page.locator("#job-result").click()
    page.wait_for_url("**/placement/plans/**")
    shots(page, "plan-review")
