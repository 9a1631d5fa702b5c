"""The import page: upload, dry run, apply as a job, progress; only one's own jobs."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import load_workbook

from refuge.accounts.models import Membership, Role
from refuge.fielddata.tests import exportfiles
from refuge.jobs import queue
from refuge.operations.selectors import coverage_start
from refuge.registry.models import Household


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


def test_upload_dry_run_apply_and_progress(
    registrar, operation, reception_point, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    origins = [f"s{pk}" for pk in sorted(coverage_start(operation))[:5]]
    rows = exportfiles.households(8, origins, f"p{reception_point.pk}")
    rows[3].members[0]["birth_date"] = "31.02.1980"
    export = exportfiles.kobo_xlsx(tmp_path / "kobo.xlsx", rows)
    with export.open("rb") as f:
        page = registrar.post("/imports/", {"export": f}, HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200
    text = page.content.decode()
    assert "принято: 7, отклонено: 1, уже импортировано: 0" in text
    assert "birth_date" in text and not Household.objects.exists()
    sha = page.context["sha"]
    download = registrar.post("/imports/report/", {"sha": sha})
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    found = list(load_workbook(BytesIO(download.content)).active.iter_rows(values_only=True))
    assert ("members", 2 + sum(len(h.members) for h in rows[:3]), "birth_date", "rejected") in {
        r[:4] for r in found
    }
    applied = registrar.post("/imports/apply/", {"sha": sha, "name": "kobo.xlsx"})
    assert applied.status_code == 302
    job = queue.run(queue.claim("w1"), heartbeat=False)  # type: ignore[arg-type]
    part = registrar.get(applied.url + "?part=1").content.decode()
    assert 'value="100"' in part and "7 households registered" in part
    assert Household.objects.count() == 7 and job.state == "done"

    other = Client()
    other.force_login(get_user_model().objects.create_user("registrar-1000003"))
    assert other.get(applied.url).status_code == 403  # no role in the operation
    assert registrar.post("/imports/apply/", {"sha": "../../etc/passwd"}).status_code == 404


def test_a_bad_file_is_refused_on_the_page_and_nothing_kept(registrar, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "list.csv"
    bad.write_bytes("_uuid,household/origin\n1,Суджа\n".encode("cp1251"))
    with bad.open("rb") as f:
        page = registrar.post("/imports/", {"export": f})
    assert page.status_code == 400 and "not UTF-8" in page.content.decode()
    assert not list(tmp_path.glob("data/uploads/*"))


def test_only_the_one_export_field_may_carry_a_file(registrar) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(name: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, b"_uuid\n1\n", content_type="text/csv")

    other = registrar.post("/imports/", {"attachment": upload("a.csv")})
    two = registrar.post("/imports/", {"export": [upload("a.csv"), upload("b.csv")]})
    elsewhere = registrar.post("/desk/register/", {"export": upload("a.csv")})
    assert [r.status_code for r in (other, two, elsewhere)] == [400, 400, 400]
    assert "files" in other.content.decode()
