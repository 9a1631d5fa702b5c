"""The audit the walks rely on catches what it is meant to: if axe-core were not really
running (or a rule were off), every walk would pass with nothing checked."""

from __future__ import annotations

import pytest

from tests.browser.axe import AxeAudit

pytestmark = pytest.mark.browser

PHONE_PAGE = """<!doctype html><html lang="uk"><head><title>Пошук</title></head><body><main>
<h1>Пошук</h1>
<form><input id="q" name="q"><button style="width:14px;height:14px;padding:0"></button>
<button style="width:14px;height:14px;padding:0">2</button></form>
<p style="color:#aaa">Ніхто не знайдений.</p>
<div style="width:900px">широкий рядок</div>
</main></body></html>"""


def test_the_audit_finds_a_missing_label_a_nameless_button_poor_contrast_small_targets_and_reflow(
    browser, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 360, "height": 780})
    page.set_content(PHONE_PAGE)
    audit = AxeAudit(tmp_path)
    audit.check(page, "phone")
    audit.check_reflow(page, "phone", 360)
    page.close()
    found = {f.rule for f in audit.blocking()}
    assert {"label", "button-name", "color-contrast", "target-size", "reflow"} <= found
