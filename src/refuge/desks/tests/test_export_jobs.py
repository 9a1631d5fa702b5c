"""Lists over EXPORT_JOB_ROWS rows are made by a job: asked for, watched, downloaded.

The threshold is lowered in each test (settings.EXPORT_JOB_ROWS), so a handful of
households stands for the 10,000 of the field.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World, register
from refuge.jobs import files, queue
from refuge.jobs.models import Job


@pytest.fixture
def many(world: World, settings, tmp_path: Path) -> World:  # type: ignore[no-untyped-def]
    """Six households (four more than the world's two) over a threshold of two rows."""
    settings.DATA_DIR = tmp_path
    settings.EXPORT_JOB_ROWS = 2
    for family in ("Коваленко", "Шевченко", "=HYPERLINK(1)", "Бондаренко"):
        register(world.operation, world.point_a, family, size=3)
    return world


def _client(world: World, who: str = "national", lang: str = "en") -> Client:
    client = Client(headers={"accept-language": lang})
    client.force_login(world.users[who])
    return client


def _ask(client: Client, url: str) -> Job:
    """What the page offers: GET says the list is long, its button POSTs the same URL."""
    offer = client.get(url)
    assert offer.status_code == 200 and 'id="export-rows"' in offer.content.decode()
    asked = client.post(url)
    assert asked.status_code == 302
    job = Job.objects.get(pk=asked.url.rstrip("/").split("/")[-1])
    assert asked.url == f"/desk/exports/{job.pk}/"
    return job


def _work(job: Job, worker: str = "w1") -> Job:
    claimed = queue.claim(worker)
    assert claimed is not None and claimed.pk == job.pk
    return queue.run(claimed, heartbeat=False)


def _file(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content)


def test_a_long_list_is_made_by_a_job_identical_to_the_direct_download(
    many: World, settings
) -> None:  # type: ignore[no-untyped-def]
    client = _client(many, lang="ru")
    job = _ask(client, "/desk/households/export.csv")
    assert not AuditEvent.objects.filter(action="export").exists()  # nothing downloaded yet
    waiting = client.get(f"/desk/exports/{job.pk}/").content.decode()
    assert "ожидает" in waiting.lower() or "waiting" in waiting  # a worker has not taken it
    assert 'id="job-result"' not in waiting

    done = _work(job)
    assert (done.state, done.percent, done.result["rows"]) == ("done", 100, 6)
    page = client.get(f"/desk/exports/{job.pk}/?part=1").content.decode()
    assert f'href="/desk/exports/{job.pk}/file"' in page and "100 %" in page
    made = client.get(f"/desk/exports/{job.pk}/file")
    assert made["Content-Disposition"] == 'attachment; filename="households.csv"'
    from_job = _file(made)

    settings.EXPORT_JOB_ROWS = 100  # the same rows, now short enough for the request
    direct = client.get("/desk/households/export.csv").content
    assert from_job == direct
    assert from_job.decode("utf-8").splitlines()[0].startswith("\ufeffСемья,Дата регистрации")
    assert "Коваленко" not in from_job.decode()  # no names in the file

    trail = AuditEvent.objects.filter(action="export", object_type="household").order_by("pk")
    assert [e.summary for e in trail] == [
        f"households list as csv: 6 rows (made by job {job.pk})",
        "households list as csv: 6 rows",
    ]
    asked = AuditEvent.objects.get(object_type="export_job", object_id=str(job.pk))
    assert asked.action == "create" and "6 rows" in asked.summary


def test_the_xlsx_made_by_a_job_holds_the_same_sheet(many: World, settings) -> None:  # type: ignore[no-untyped-def]
    client = _client(many, lang="uk")
    settings.EXPORT_JOB_ROWS = 0  # so that even the shelters list goes by job
    job = _work(_ask(client, "/desk/shelters/export.xlsx?status=open"))
    from_job = zipfile.ZipFile(io.BytesIO(_file(client.get(f"/desk/exports/{job.pk}/file"))))
    settings.EXPORT_JOB_ROWS = 100
    direct = zipfile.ZipFile(
        io.BytesIO(client.get("/desk/shelters/export.xlsx?status=open").content)
    )
    assert from_job.namelist() == direct.namelist()
    # Every part is the same but docProps/core.xml, which carries the moment it was written.
    for name in direct.namelist():
        if name != "docProps/core.xml":
            assert from_job.read(name) == direct.read(name), name
    sheet = load_workbook(io.BytesIO(_file(client.get(f"/desk/exports/{job.pk}/file")))).active
    header, *rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert header[:3] == ["Номер", "ПТР", "Регіон"] and len(rows) == 2


def test_the_households_xlsx_is_written(many: World) -> None:
    """It was a 500: a destination's label is a lazy translation, which openpyxl refused."""
    job = _work(_ask(_client(many, lang="ru"), "/desk/households/export.xlsx"))
    assert job.state == "done", job.error
    book = load_workbook(io.BytesIO(_file(_client(many).get(f"/desk/exports/{job.pk}/file"))))
    cells = [[c.value for c in r] for r in book.active.iter_rows()]
    assert cells[0][4] == "Направление" and len(cells) == 7
    assert {r[4] for r in cells[1:]} == {"пункт временного размещения"}


def test_under_the_threshold_the_file_comes_at_once_and_no_job_is_queued(
    many: World, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.EXPORT_JOB_ROWS = 6
    response = _client(many).get("/desk/households/export.csv")
    assert (
        response["Content-Type"].startswith("text/csv") and len(response.content.splitlines()) == 7
    )
    assert not Job.objects.exists()


def test_the_job_exports_what_its_coordinator_sees_with_their_filters(many: World) -> None:
    register(many.operation, many.point_b, "Петренко", size=2)
    register(many.operation, many.point_b, "Мельник", size=2)
    regional = _client(many, "regional")
    job = _work(_ask(regional, "/desk/households/export.csv"))
    numbers = [
        r.split(",")[0]
        for r in _file(regional.get(f"/desk/exports/{job.pk}/file")).decode().splitlines()[1:]
    ]
    assert str(many.household_b.pk) not in numbers and len(numbers) == 5  # point A's only

    national = _client(many)
    job = _work(
        _ask(
            national,
            f"/desk/households/export.csv?reception_point={many.point_b.pk}&destination=shelter",
        )
    )
    assert job.payload["filters"] == {
        "number": None,
        "reception_point": many.point_b.pk,
        "destination": "shelter",
    }
    assert job.result["rows"] == 3


def test_only_the_requester_or_a_national_coordinator_may_see_and_download_the_file(
    many: World,
) -> None:
    job = _work(_ask(_client(many, "regional"), "/desk/households/export.csv"))
    url = f"/desk/exports/{job.pk}/file"
    assert _client(many, "regional").get(url).status_code == 200
    assert _client(many, "national").get(url).status_code == 200  # sees every row of it anyway
    for who in ("auditor", "registrar_a", "manager", "tracing"):
        assert _client(many, who).get(url).status_code == 403
        assert _client(many, who).get(f"/desk/exports/{job.pk}/").status_code == 403

    national_job = _work(_ask(_client(many), "/desk/households/export.csv"))
    regional = _client(many, "regional")
    assert regional.get(f"/desk/exports/{national_job.pk}/").status_code == 404
    assert regional.get(f"/desk/exports/{national_job.pk}/file").status_code == 404
    assert AuditEvent.objects.filter(action="denied", object_type="export_job").count() == 2
    downloads = AuditEvent.objects.filter(action="export", summary__contains=f"job {job.pk})")
    assert sorted(e.username for e in downloads) == ["national", "regional"]


def test_nothing_personal_reaches_the_job_its_log_or_its_urls(many: World) -> None:
    job = _work(_ask(_client(many), "/desk/households/export.csv"))
    text = (
        str(job.payload) + str(job.result) + " ".join(job.lines.values_list("message", flat=True))
    )
    for name in ("Коваленко", "Шевченко", "Anna", "Ivanova"):
        assert name not in text
    assert job.result["file"] == f"job-{job.pk}.csv"


def test_the_file_is_deleted_after_its_retention_by_jobs_purge(many: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOB_FILE_RETENTION_HOURS = 24
    client = _client(many)
    old = _work(_ask(client, "/desk/households/export.csv"))
    fresh = _work(_ask(client, "/desk/households/export.xlsx"))
    assert fresh.state == "done", list(fresh.lines.values_list("message", flat=True))
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(hours=25))
    stray = files.folder() / "job-999999.csv.part"  # a lost worker's half-written file
    stray.write_bytes(b"half")
    os.utime(stray, (time.time() - 26 * 3600,) * 2)

    out = io.StringIO()
    call_command("jobs", "purge", stdout=out)
    assert out.getvalue().strip() == "2 job file(s) deleted"
    assert sorted(p.name for p in files.folder().iterdir()) == [f"job-{fresh.pk}.xlsx"]
    old.refresh_from_db()
    assert "file" not in old.result and old.result["rows"] == 6 and "purged_at" in old.result
    page = client.get(f"/desk/exports/{old.pk}/").content.decode()
    assert "was deleted 24 hours after" in page and 'id="job-result"' not in page
    assert client.get(f"/desk/exports/{old.pk}/file").url == f"/desk/exports/{old.pk}/"
    assert client.get(f"/desk/exports/{fresh.pk}/file").status_code == 200


def test_a_job_taken_over_from_a_lost_worker_writes_the_whole_file_afresh(
    many: World, settings
) -> None:  # type: ignore[no-untyped-def]
    client = _client(many)
    job = _ask(client, "/desk/households/export.csv")
    lost = queue.claim("lost-worker")
    assert lost is not None
    queue.progress(lost, 2, 6)  # the first worker got this far, then was killed
    (files.folder() / f"job-{job.pk}.csv.part").write_bytes(b"\xef\xbb\xbfhalf a file")
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))

    done = _work(job, "w2")
    assert (done.state, done.attempts, done.result["rows"]) == ("done", 2, 6)
    assert [p.name for p in files.folder().iterdir()] == [f"job-{job.pk}.csv"]
    settings.EXPORT_JOB_ROWS = 100
    assert (
        _file(client.get(f"/desk/exports/{job.pk}/file"))
        == client.get("/desk/households/export.csv").content
    )


@pytest.mark.parametrize(
    ("lang", "offer", "heading", "link"),
    [
        ("ru", "В этом списке 6 строк", "Выгрузка: список семей (CSV)", "Скачать файл"),
        ("uk", "У цьому списку 6 рядків", "Вивантаження: список родин (CSV)", "Завантажити файл"),
    ],
)
def test_the_pages_speak_russian_and_ukrainian(many: World, lang, offer, heading, link) -> None:  # type: ignore[no-untyped-def]
    client = _client(many, lang=lang)
    assert offer in client.get("/desk/households/export.csv").content.decode()
    job = _work(_ask_in(client))
    page = client.get(f"/desk/exports/{job.pk}/").content.decode()
    assert heading in page and link in page


def _ask_in(client: Client) -> Job:
    asked = client.post("/desk/households/export.csv")
    return Job.objects.get(pk=asked.url.rstrip("/").split("/")[-1])
