"""The registrar's steps on the registration page, in one place.

The desk's form changes (one row to start, "Add a person" adding rows in the page,
dates typed 14.03.1948, the family found offered to join); the walks call only
`register_household`, so this file is the one to follow the form. Buttons are found by
their `name`, which does not change with the language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.browser.walk import Walk

HOUSEHOLD_PAGE = re.compile(r"/desk/households/(\d+)/$")


@dataclass(frozen=True)
class Member:
    family_name: str
    given_name: str
    born: str  # as the registrar types it: 14.03.1948, 1975, …
    wheelchair: bool = False


def register_household(  # type: ignore[no-untyped-def]
    walk: Walk, page, members: list[Member], origin: str, if_registered: str = "confirm"
) -> int:
    """Register `members`, leaving from `origin`, bound for a shelter; answers the
    household's number. When the desk finds them registered already, press
    `if_registered`: "confirm" (different people: save) or "join" (add the newcomers
    to the family found)."""
    walk.follow(page, "/desk/register/", "registration")
    for i, member in enumerate(members):
        _type_member(walk, page, i, member)
    page.locator("#id_origin").fill(origin)
    if page.locator("input[type=radio][name=mode]").count():  # no default in the newer form
        page.locator("input[name=mode][value=organised]").check()
    page.locator("input[name=destination][value=shelter]").check()
    walk.see(page, "registration-filled")
    with page.expect_navigation():  # a click does not wait for the page it asks for
        page.locator("p button[name=register]").click()
    if not HOUSEHOLD_PAGE.search(page.url):
        walk.see(page, "possible-duplicates")
        decide = page.locator(f"button[name={if_registered}]")
        errors = page.locator(".errors, .error").all_inner_texts()
        assert decide.count(), f"the desk refused: {errors}"
        decide.first.click()
    page.wait_for_url(HOUSEHOLD_PAGE)
    walk.see(page, "household")
    return int(HOUSEHOLD_PAGE.search(page.url).group(1))  # type: ignore[union-attr]


def _type_member(walk: Walk, page, i: int, member: Member) -> None:  # type: ignore[no-untyped-def]
    row = f"#id_m-{i}-"
    if not page.locator(row + "family_name").count():
        page.locator("button[name=more]").click()  # added in the page, or by the server
        page.locator(row + "family_name").wait_for()
        if page in walk.unchecked:
            walk.see(page, "more-rows")
    page.locator(row + "family_name").fill(member.family_name)
    page.locator(row + "given_name").fill(member.given_name)
    page.locator(row + "birth_date").fill(member.born)
    if member.wheelchair:
        page.locator(row + "wheelchair").check()
