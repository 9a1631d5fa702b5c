"""`refuge place` and `refuge dedupe` skip Django, and nobody can tell from what they print.

Each command line runs twice in a fresh interpreter, as a user runs it: through the `refuge`
entry point (the fast path) and through Django's management utility (what `refuge` did
before); stdout, stderr and the exit status must be identical, and the fast path must not
have imported Django.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HOUSEHOLDS = """household_id,size,origin_lat,origin_lon,needs
1000001,7,51.19,35.27,
1000002,1,51.34,34.64,wheelchair
1000003,4,51.41,34.91,
"""
SHELTERS = """shelter_id,capacity,lat,lon,features,region
КУРСК-ШКОЛА-7,8,51.73,36.19,wheelchair,KUR
ВОРОНЕЖ-ЛАГЕРЬ-2,3,51.67,39.20,,VOR
"""
PEOPLE = """id,given_name,family_name,birth_date
1000001,Іван,Петренко,1948-03-14
1000002,Иван,Петренко,1948-03-14
1000003,Марія,Сидоренко,1990-07-01
"""

# Writes to loaded.txt whether Django was imported by the time the command ended.
RUN_FAST = (
    "import sys; from refuge.cli import main\n"
    "try:\n    main(sys.argv[1:])\n"
    "finally:\n    open('loaded.txt', 'w').write(str('django' in sys.modules))\n"
)
RUN_DJANGO = (
    "import os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'refuge.settings'\n"
    "from django.core.management import execute_from_command_line\n"
    "execute_from_command_line(['refuge', *sys.argv[1:]])\n"
)


def _run(program: str, argv: list[str], cwd: Path) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-c", program, *argv], cwd=cwd, capture_output=True, text=True
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "H.csv").write_text(HOUSEHOLDS, encoding="utf-8")
    (tmp_path / "S.csv").write_text(SHELTERS, encoding="utf-8")
    (tmp_path / "bad.csv").write_text(HOUSEHOLDS.replace(",4,", ",-4,"), encoding="utf-8")
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "status", "django_loaded"),
    [
        ("place --households H.csv --shelters S.csv --out A.csv", 0, False),
        ("place --households bad.csv --shelters S.csv --out A.csv", 1, False),
        ("place --households H.csv --shelters S.csv --out nowhere/A.csv", 1, False),
        # Django's parser prints the usage it always printed
        ("place --households H.csv --shelters S.csv", 2, True),
        ("place --households H.csv --shelters S.csv --out A.csv -v 2", 0, True),
        ("dedupe people.csv --out clusters.csv", 0, False),
        ("dedupe missing.csv --out clusters.csv", 1, False),
        ("dedupe people.csv --out clusters.csv --merge-at 0.5 --review-at 0.9", 2, False),
    ],
)
def test_fast_path_prints_what_the_management_command_prints(
    argv: str, status: int, django_loaded: bool, files: Path
) -> None:
    fast = _run(RUN_FAST, argv.split(), files)
    assert (files / "loaded.txt").read_text() == str(django_loaded)
    django = _run(RUN_DJANGO, argv.split(), files)
    assert fast[0] == status, fast[2]
    assert fast == django


def test_fast_path_writes_the_same_plan(files: Path) -> None:
    argv = ["place", "--households", "H.csv", "--shelters", "S.csv", "--out", "{}"]
    _run(RUN_FAST, [a.format("fast.csv") for a in argv], files)
    _run(RUN_DJANGO, [a.format("django.csv") for a in argv], files)
    plan = (files / "fast.csv").read_text(encoding="utf-8")
    assert plan == (files / "django.csv").read_text(encoding="utf-8")
    assert "1000001,КУРСК-ШКОЛА-7" in plan


def test_help_and_django_options_still_go_through_django(files: Path) -> None:
    status, out, _ = _run(RUN_FAST, ["place", "--help"], files)
    assert status == 0 and "--settings" in out
    assert (files / "loaded.txt").read_text() == "True"
    status, _, err = _run(
        RUN_FAST, ["place", "--hou", "H.csv", "--settings=refuge.settings"], files
    )
    assert status == 2 and "--shelters" in err
    assert (files / "loaded.txt").read_text() == "True"
