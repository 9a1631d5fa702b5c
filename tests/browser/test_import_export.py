"""A registrar uploads a Kobo export, reads the dry run, applies it and watches the job.

The worker runs beside the live server (`queue.work` in a thread, as `refuge jobs work`
would in its own process); the page polls the job until the bar says 100 %, then the
household is found by the person search.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from refuge.desks.tests.world import PASSWORD, World, build_world
from refuge.fielddata.tests import exportfiles
from refuge.geo.models import Settlement
from refuge.jobs import queue
from refuge.operations.models import EvacuationOrder
from refuge.operations.selectors import coverage_start
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_dry_run_apply_progress_and_find(
    browser, live_server, shots, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    world: World = build_world()
    order = EvacuationOrder.objects.create(
        operation=world.operation, effective_at=world.operation.started_at,
        kind=EvacuationOrder.Kind.MANDATORY, scope=EvacuationOrder.Scope.SETTLEMENTS,
    )  # fmt: skip
    order.settlements.set(Settlement.objects.order_by("pk")[:5])
    origins = [f"s{pk}" for pk in sorted(coverage_start(world.operation))[:5]]
    rows = exportfiles.households(12, origins, f"p{world.point_a.pk}")
    rows[5].members[0]["birth_date"] = "31.02.1980"
    export = exportfiles.kobo_xlsx(tmp_path / "kobo.xlsx", rows)

    page = sign_in(browser, live_server, "registrar_a", PASSWORD, width=1280)
    page.goto(f"{live_server.url}/imports/")
    page.get_by_label("Export file").set_input_files(str(export))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_selector("#import-summary")
    assert "11 accepted, 1 rejected" in page.inner_text("#import-summary")
    assert "birth_date" in page.inner_text("#import-report")
    shots(page, "dry-run")

    page.get_by_role("button", name="Apply").click()
    page.wait_for_selector("#job-progress")
    worker = threading.Thread(target=queue.work, kwargs={"until_empty": True, "poll": 0.2})
    worker.start()
    worker.join(timeout=120)
    # the page's own poller redraws the bar (the CSP forbids Playwright's eval waits)
    expect(page.locator("#job-percent")).to_have_text("100 %", timeout=30_000)
    assert "11 households registered" in page.inner_text("#job-log")
    shots(page, "applied")

    page.goto(f"{live_server.url}/desk/search/")
    page.get_by_label("Family name").first.fill(rows[0].members[0]["family_name"])
    page.get_by_role("button", name="Search").first.click()
    expect(page.locator("body")).to_contain_text(rows[0].members[0]["given_name"])
    shots(page, "found")
