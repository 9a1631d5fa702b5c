"""The import page with a spreadsheet list: preview, guessed mapping, correction,
memory, dry run, apply as a job; in the user's language, within their scope."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from refuge.accounts.models import Membership, Role
from refuge.fielddata.models import SavedMapping
from refuge.fielddata.tests.test_sheets import HEADER, volunteer_rows, write_xlsx
from refuge.jobs import queue
from refuge.registry.models import Household, Person


@pytest.fixture
def registrar(operation, reception_point, settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    user = get_user_model().objects.create_user("registrar-1000002")
    Membership.objects.create(
        user=user, operation=operation, role=Role.REGISTRAR, reception_point=reception_point
    )
    client = Client()
    client.force_login(user)
    return client


def form_of(page, **changes: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    m = page.context["mapping"]
    data = {f"col-{i}": f for i, f in enumerate(m.columns)}
    data.update(point=m.point, mode=m.mode, destination=m.destination)
    data.update(changes)
    return data


def test_list_mapped_corrected_remembered_checked_applied(
    registrar, reception_point, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    header = [*HEADER[:2], "Д.р.", *HEADER[3:]]
    rows = volunteer_rows()[:8]
    path = write_xlsx(tmp_path / "Список Суджа.xlsx", header, rows, title="Список эвакуированных")
    with path.open("rb") as f:
        sent = registrar.post("/imports/", {"export": f}, HTTP_ACCEPT_LANGUAGE="uk")
    assert sent.status_code == 302 and "/imports/list/" in sent.url
    assert "Суджа" not in sent.url  # no file name (nor anything personal) in the address
    page = registrar.get(sent.url, HTTP_ACCEPT_LANGUAGE="uk")
    text = page.content.decode()
    assert "Стовпець «ФИО»" in text and "Коваленко Ольга Петровна" in text
    assert page.context["mapping"].columns[2] == "birth_date"
    # The user says «Д.р.» is not to be read (say, an unreliable column): corrected.
    checked = registrar.post(sent.url, form_of(page, **{"col-2": ""}), HTTP_ACCEPT_LANGUAGE="uk")
    text = checked.content.decode()
    assert "прийнято: 2, відхилено: 0, вже імпортовано: 0" in text
    assert SavedMapping.objects.get().mapping["columns"].get("Д.р.") is None
    assert not Household.objects.exists()
    # The next file with the same headers is offered the corrected mapping.
    again = registrar.get(sent.url, HTTP_ACCEPT_LANGUAGE="ru")
    assert again.context["remembered"] and again.context["mapping"].columns[2] == ""
    applied = registrar.post(
        sent.url + "apply/",
        {"mapping": checked.context["mapping_json"], "at": checked.context["at"]},
    )
    assert applied.status_code == 302
    job = queue.run(queue.claim("w1"), heartbeat=False)  # type: ignore[arg-type]
    part = registrar.get(applied.url + "?part=1").content.decode()
    assert job.state == "done" and 'value="100"' in part and "2 households registered" in part
    assert Household.objects.filter(reception_point=reception_point).count() == 2
    assert Person.objects.get(given_name="Ольга").birth_year is None


def test_dry_run_findings_in_russian_with_row_and_header(registrar, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(tmp_path / "l.xlsx", HEADER, volunteer_rows())
    with path.open("rb") as f:
        sent = registrar.post("/imports/", {"export": f})
    page = registrar.get(sent.url)
    checked = registrar.post(sent.url, form_of(page), HTTP_ACCEPT_LANGUAGE="ru")
    findings = {(row, column, outcome) for row, column, outcome, _ in checked.context["findings"]}
    assert (10, "Дата рождения", "отклонено") in findings
    assert (11, "Телефон", "отклонено") in findings
    assert "нет такой даты: 31.02.1980" in checked.content.decode()


def test_point_outside_scope_refused(registrar, operation, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from refuge.registry.models import ReceptionPoint

    other = ReceptionPoint.objects.create(
        operation=operation, name="Льгов", region=operation.affected_region, lat=51.6, lon=35.3
    )
    path = write_xlsx(tmp_path / "l.xlsx", HEADER, volunteer_rows()[:1])
    with path.open("rb") as f:
        sent = registrar.post("/imports/", {"export": f})
    page = registrar.get(sent.url)
    checked = registrar.post(sent.url, form_of(page, point=f"p{other.pk}"))
    assert not checked.context["report"].accepted
    mapping = json.loads(json.dumps(form_of(page)))
    forged = {"columns": {"ФИО": "full_name", "Нас. пункт": "origin"},
              "reception_point": f"p{other.pk}", "mode": "own", "destination": "shelter"}  # fmt: skip
    assert (
        mapping
        and registrar.post(sent.url + "apply/", {"mapping": json.dumps(forged)}).status_code == 404
    )


def test_ods_list_uploaded_through_the_page(registrar, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pd = pytest.importorskip("pandas")
    pytest.importorskip("odf")
    path = tmp_path / "Список.ods"
    pd.DataFrame(volunteer_rows()[:1], columns=HEADER).to_excel(path, engine="odf", index=False)
    with path.open("rb") as f:
        sent = registrar.post("/imports/", {"export": f})
    assert sent.status_code == 302
    page = registrar.get(sent.url)
    assert page.context["mapping"].columns[1] == "full_name"
    assert page.context["name"] == "Список.ods"
    checked = registrar.post(sent.url, form_of(page))
    assert len(checked.context["report"].accepted) == 1


def test_one_field_for_two_columns_refused(registrar, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(tmp_path / "l.xlsx", HEADER, volunteer_rows()[:2])
    with path.open("rb") as f:
        sent = registrar.post("/imports/", {"export": f})
    page = registrar.get(sent.url)
    checked = registrar.post(
        sent.url, form_of(page, **{"col-4": "phone"}), HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert not checked.context["report"].accepted
    assert checked.context["findings"][0][:2] == (1, "Телефон, Адрес")  # the header row
    assert "все эти столбцы сопоставлены с «Телефон»" in checked.content.decode()
