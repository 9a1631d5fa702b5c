"""`refuge backup` and `refuge restore`: the same report after a round trip, on either database."""

from __future__ import annotations

from pathlib import Path

from tests.scratch import ScratchDatabase, loaded


def test_a_restored_database_gives_the_same_report_and_a_full_one_is_not_overwritten(
    tmp_path: Path,
) -> None:
    (tmp_path / "source").mkdir()
    (tmp_path / "target").mkdir()
    source = loaded(tmp_path / "source", "--scale", "0.01")
    target = ScratchDatabase(tmp_path / "target")
    try:
        target.refuge("migrate", "--verbosity", "0")
        before = source.sitrep()
        assert before["evacuation"]["relocated_total"] > 0
        backup = tmp_path / "kursk.backup"
        made = source.refuge("backup", str(backup))
        assert "backup" in made.stdout and backup.stat().st_size > 0
        target.refuge("restore", str(backup))
        assert target.sitrep() == before
        assert target.refuge("reconcile").returncode == 0

        again = target.refuge("restore", str(backup), check=False)
        assert again.returncode == 1
        assert again.stderr.strip().splitlines() == [
            "CommandError: the database already holds operations, persons or accounts; "
            "restore over them only with --force"
        ]
        target.refuge("restore", str(backup), "--force")
        assert target.sitrep() == before
    finally:
        source.drop()
        target.drop()
