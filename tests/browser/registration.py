"""The registrar's steps on the registration page, in one place.

The desk's form is being rebuilt (one row to start, "add a person", dates typed the
local way); when it changes, only this file should need to follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.browser.walk import Walk


@dataclass(frozen=True)
class Member:
    family_name: str
    given_name: str
    born: str  # as the registrar types it
    wheelchair: bool = False


def register_household(walk: Walk, page, members: list[Member], origin: str) -> int:  # type: ignore[no-untyped-def]
    """Fill the form for `members` leaving from `origin` ("Суджа (Суджанский район)"),
    bound for a shelter, and submit; answers the new household's number."""
    walk.follow(page, "/desk/register/", "registration")
    for i, member in enumerate(members):
        while not page.locator(f"#id_m-{i}-family_name").count():
            page.get_by_role("button", name=walk.t("More rows")).click()
            walk.see(page, "more-rows")
        page.locator(f"#id_m-{i}-family_name").fill(member.family_name)
        page.locator(f"#id_m-{i}-given_name").fill(member.given_name)
        page.locator(f"#id_m-{i}-birth_date").fill(member.born)
        if member.wheelchair:
            page.locator(f"#id_m-{i}-wheelchair").check()
    page.locator("#id_origin").fill(origin)
    page.locator("input[name=destination][value=shelter]").check()
    walk.see(page, "registration-filled")
    page.get_by_role("button", name=walk.t("Register"), exact=True).click()
    page.wait_for_load_state("load")
    if not re.search(r"/desk/households/\d+/$", page.url):
        # Someone like them is registered already: the desk asks before saving.
        walk.see(page, "possible-duplicates")
        save = page.get_by_role("button", name=walk.t("Save the registration"))
        assert save.count(), (
            "the desk refused: " + page.locator(".errors, .error").all_inner_texts().__str__()
        )
        save.click()
    page.wait_for_url(re.compile(r"/desk/households/\d+/$"))
    walk.see(page, "household")
    return int(re.search(r"/desk/households/(\d+)/$", page.url).group(1))  # type: ignore[union-attr]
