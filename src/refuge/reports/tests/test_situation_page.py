"""The report page at /: figures as of a moment picked on the page, values on the chart."""

from __future__ import annotations

import re

from django.test import Client
from tests.pages import form_to


def _page(client: Client, **typed: str) -> tuple[int, str]:
    form = form_to(client.get("/").content, "/")[0]
    response = client.get("/", form.data(**typed))
    return response.status_code, response.content.decode()


def test_the_picker_shows_the_figures_as_they_stood_then(operation, register):
    register(8, day=10, destination="shelter")
    register(3, day=18, destination="relatives")
    register(2, day=19, hour=7)  # registered at 09:00
    client = Client()
    status, page = _page(client, as_of="2024-08-19T08:00")
    assert status == 200
    assert 'value="2024-08-19T08:00"' in page  # the moment asked for stays in the field
    assert "19.08.2024" in page or "Aug. 19, 2024" in page
    assert re.search(r"Left home, not registered yet</th><td class=\"num\">2<", page)
    assert re.search(r"Relocated since the start</th><td class=\"num\">13<", page)
    status, earlier = _page(client, as_of="2024-08-11T08:00")
    assert re.search(r"Relocated since the start</th><td class=\"num\">8<", earlier)


def test_a_moment_typed_the_local_way_is_read_in_the_operations_time(operation, register):
    register(2, day=19, hour=7)  # left 07:00 Moscow time
    status, page = _page(Client(), as_of="19.08.2024 07:30")
    assert status == 200
    assert re.search(r"Relocated since the start</th><td class=\"num\">2<", page)
    status, page = _page(Client(), as_of="19.08.2024 06:59")
    assert re.search(r"Relocated since the start</th><td class=\"num\">0<", page)


def test_a_bad_moment_names_the_field_and_still_shows_the_report(operation, register):
    register(1, day=10)
    status, page = _page(Client(), as_of="31.02.2024 25:00")
    assert status == 400
    assert "Figures as of: write the date and time like 19.08.2024 08:00." in page
    assert "Relocated since the start" in page
    status, page = _page(Client(), as_of="2999-01-01T08:00")
    assert status == 400 and "cannot be in the future" in page


def test_the_bad_moment_is_named_in_russian(operation):
    client = Client(headers={"accept-language": "ru"})
    status, page = _page(client, as_of="вчера утром")
    assert status == 400
    assert "«Данные на»: укажите дату и время в виде 19.08.2024 08:00." in page


def test_the_chart_writes_each_days_value_on_its_bar(operation, register):
    register(8, day=10)
    register(1_200, day=11, hour=9)
    page = Client().get("/").content.decode()
    chart = page[page.index('<svg class="chart"') : page.index("</svg>")]
    values = re.findall(r'<text class="value"[^>]*>([^<]+)</text>', chart)
    days = re.findall(r'<text class="day"[^>]*>([^<]+)</text>', chart)
    assert values == ["8", "1,200"]
    assert days == ["10.08", "11.08"]


def test_before_any_operation_the_page_says_so_in_the_readers_language(db):
    page = Client(headers={"accept-language": "uk"}).get("/").content.decode()
    assert "Зведення з’явиться тут, щойно буде завантажено операцію." in page
    assert "refuge scenario load" not in page
