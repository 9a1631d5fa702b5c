"""A registrar on a phone, in Russian, uploads a volunteers' list, corrects one column's
mapping, reads the dry run, applies it, watches the bar reach 100 % and finds a family.

The list is a real volunteer list's shape: a title line above the header, «ФИО» in one
column, birth dates typed 14.03.1948 and 2.7.75, phones 8-915-…, row numbers in the
thousands, a single person, a family of seven and one impossible date. Its settlement
column is headed «Место регистрации», which no synonym knows: the guess leaves it out
and the registrar maps it. The same page is then seen in Ukrainian, with the mapping
remembered.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from openpyxl import Workbook
from playwright.sync_api import expect

from refuge.desks.tests.world import PASSWORD, World, build_world
from refuge.geo.models import Settlement
from refuge.jobs import queue
from refuge.operations.models import EvacuationOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = [
    "№ п/п",
    "ФИО",
    "Дата рождения",
    "Телефон",
    "Адрес",
    "Место регистрации",
    "Кол-во членов семьи",
]
FAMILY = [
    ("Коваленко Ольга Петровна", "14.03.1948"),
    ("Коваленко Иван Сергеевич", "2.7.75"),
    ("Коваленко Марина Ивановна", "30.11.1977"),
    ("Коваленко Артём Иванович", "03.2009"),
    ("Коваленко Дарья Ивановна", "2012"),
    ("Коваленко Семён Иванович", "15.05.2016"),
    ("Коваленко Вера Ивановна", "01.09.2020"),
]


def volunteer_list(path: Path, home: str) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["Список эвакуированных, ПВР «Вокзал», 04.12"])
    sheet.append(HEADER)
    sheet.append([4107, "Шевчук Григорий Тарасович", "14.03.1948", "8-915-123-45-67",
                  "ул. Ленина, 5", home, 1])  # fmt: skip
    for n, (name, born) in enumerate(FAMILY):
        first = n == 0
        sheet.append([4108 + n, name, born, "8 (916) 222-33-44" if first else "",
                      "ул. Садовая, 12" if first else "", home if first else "",
                      7 if first else ""])  # fmt: skip
    sheet.append([4115, "Мельник Анна Олеговна", "31.02.1980", "", "ул. Мира, 3", home, 1])
    book.save(path)
    return path


def phone_page(browser, live_server, language: str, username: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale=language)
    context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language,
                          "url": live_server.url}])  # fmt: skip
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=t(language, "Sign in"), exact=True).click()
    page.wait_for_url(re.compile(r"/desk/$"))
    return page


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def test_list_mapped_checked_applied_on_a_phone(
    browser, live_server, shots, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    world: World = build_world()
    sudzha = Settlement.objects.get(name_ru="Суджа")
    order = EvacuationOrder.objects.create(
        operation=world.operation, effective_at=world.operation.started_at,
        kind=EvacuationOrder.Kind.MANDATORY, scope=EvacuationOrder.Scope.SETTLEMENTS,
    )  # fmt: skip
    order.settlements.set([sudzha])
    upload = volunteer_list(tmp_path / "Список ПВР.xlsx", "Суджа")

    page = phone_page(browser, live_server, "ru", "registrar_a")
    page.goto(f"{live_server.url}/imports/")
    page.locator("#export").set_input_files(str(upload))
    page.get_by_role("button", name=t("ru", "Check the file")).click()
    page.wait_for_url(re.compile(r"/imports/list/[0-9a-f]{64}/$"))
    preview = page.inner_text("#list-preview")
    assert "Коваленко Ольга Петровна" in preview and "4107" in preview
    assert page.locator("#col-1").input_value() == "full_name"
    assert page.locator("#col-2").input_value() == "birth_date"
    assert page.locator("#col-5").input_value() == ""  # «Место регистрации»: not guessed
    shots(page, "guessed-mapping")

    page.locator("#col-5").select_option("origin")
    page.get_by_role("button", name=t("ru", "Check the list with this mapping")).click()
    page.wait_for_selector("#import-summary")
    assert "принято: 2, отклонено: 1" in page.inner_text("#import-summary")
    report = page.inner_text("#import-report")
    assert re.search(r"11\s+Дата рождения\s+отклонено\s+нет такой даты: 31.02.1980", report)
    shots(page, "dry-run")

    page.get_by_role("button", name=t("ru", "Apply: register the accepted households")).click()
    page.wait_for_selector("#job-progress")
    worker = threading.Thread(target=queue.work, kwargs={"until_empty": True, "poll": 0.2})
    worker.start()
    worker.join(timeout=120)
    expect(page.locator("#job-percent")).to_have_text("100 %", timeout=30_000)
    assert "2 households registered" in page.inner_text("#job-log")
    shots(page, "applied")

    page.goto(f"{live_server.url}/desk/search/")
    page.get_by_label(t("ru", "Family name")).first.fill("Коваленко")
    page.get_by_role("button", name=t("ru", "Search")).first.click()
    expect(page.locator("body")).to_contain_text("Вера")
    found = page.content()
    assert "Ольга" in found and "Вера" in found
    shots(page, "found")

    # In Ukrainian, the next list with the same headers is offered the mapping chosen.
    uk = phone_page(browser, live_server, "uk", "registrar_a")
    uk.goto(page.url.replace("/desk/search/", "/imports/"))
    uk.locator("#export").set_input_files(str(volunteer_list(tmp_path / "Список 2.xlsx", "Суджа")))
    uk.get_by_role("button", name=t("uk", "Check the file")).click()
    uk.wait_for_url(re.compile(r"/imports/list/[0-9a-f]{64}/$"))
    assert uk.locator("#mapping-remembered").is_visible()
    assert uk.locator("#col-5").input_value() == "origin"
    assert "Стовпець «ФИО»" in uk.content()
    shots(uk, "remembered-uk")
