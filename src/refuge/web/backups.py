"""`refuge backup` and `refuge restore`: the whole database to one file and back.

Taken while the server runs, and consistent: SQLite's online backup API copies a
snapshot page by page (a plain copy of a WAL database is not safe), and pg_dump reads
PostgreSQL in one repeatable-read snapshot. The file is SQLite's own database file or
pg_dump's custom archive, so the database's own tools read it too. A restore refuses to
overwrite a database that holds an operation, a person or an account unless told to
(--force), refuses a file that is not a backup of the configured kind, and brings the
restored schema up to date (`migrate`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
KIND_OF_VENDOR = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead, in one line."""


def backup(out: Path) -> str:
    """Write the database to `out` (whole or not at all); returns its kind."""
    writer = {"sqlite": _backup_sqlite, "postgresql": _backup_postgres}[connection.vendor]
    directory = out.parent if str(out.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=directory)
    except OSError as e:
        raise BackupError(f"{out}: cannot write ({e.strerror})") from None
    os.close(handle)
    try:
        writer(Path(temporary))
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return KIND_OF_VENDOR[connection.vendor]


def restore(source: Path, *, force: bool) -> str:
    """Replace the database's contents with the backup's; returns its kind."""
    check_backup_file(source)
    if not force and not database_is_empty():
        raise BackupError(
            "the database already holds operations, persons or accounts; "
            "restore over them only with --force"
        )
    connection.close()  # nothing of ours may hold a lock while the contents change
    reader: Callable[[Path], None] = {
        "sqlite": _restore_sqlite, "postgresql": _restore_postgres
    }[connection.vendor]  # fmt: skip
    reader(source)
    return KIND_OF_VENDOR[connection.vendor]


def check_backup_file(source: Path) -> None:
    try:
        with source.open("rb") as f:
            head = f.read(16)
    except OSError as e:
        raise BackupError(f"{source}: cannot be read ({e.strerror})") from None
    kind = "sqlite" if head == SQLITE_MAGIC else "postgresql" if head[:5] == PG_MAGIC else None
    if kind is None:
        raise BackupError(f"{source}: is not a Refuge backup (neither SQLite nor pg_dump's)")
    if kind != connection.vendor:
        raise BackupError(
            f"{source}: is a {KIND_OF_VENDOR[kind]} backup; this database is "
            f"{KIND_OF_VENDOR[connection.vendor]}"
        )
    if kind == "sqlite":
        _check_sqlite_file(source)
    else:
        _pg("pg_restore", "--list", str(source))


def database_is_empty() -> bool:
    from django.contrib.auth import get_user_model

    from refuge.operations.models import Operation
    from refuge.registry.models import Person

    tables = set(connection.introspection.table_names())
    models = (Operation, Person, get_user_model())
    try:
        return not any(m._meta.db_table in tables and m.objects.exists() for m in models)
    except DatabaseError:
        return True


def _sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def _backup_sqlite(target: Path) -> None:
    live = sqlite3.connect(_sqlite_path())
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside
    finally:
        copy.close()
        live.close()


def _check_sqlite_file(source: Path) -> None:
    try:
        db = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            (verdict,) = db.execute("PRAGMA quick_check").fetchone()
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        finally:
            db.close()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{source}: is damaged ({e})") from None
    if verdict != "ok":
        raise BackupError(f"{source}: is damaged ({str(verdict).splitlines()[0]})")
    if "django_migrations" not in tables:
        raise BackupError(f"{source}: is an SQLite file but not a Refuge database")


def _restore_sqlite(source: Path) -> None:
    backup_file = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    live = sqlite3.connect(_sqlite_path(), timeout=30)
    try:
        backup_file.backup(live)
        live.execute("PRAGMA journal_mode=WAL")
    finally:
        live.close()
        backup_file.close()


def _pg_connection() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["--dbname", str(db["NAME"])]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _pg(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (Debian: apt install postgresql-client)")
    connect, env = _pg_connection()
    if tool == "pg_restore" and args[0] == "--list":
        connect = []  # reading the archive needs no server
    done = subprocess.run([tool, *connect, *args], env=env, capture_output=True, text=True)
    if done.returncode:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise BackupError(f"{tool}: {lines[0]}")


def _backup_postgres(target: Path) -> None:
    # pg_dump reads in one snapshot; its version must be the server's or newer
    # (docs/OPERATIONS.md).
    _pg("pg_dump", "--format=custom", "--no-owner", "--file", str(target))


def _restore_postgres(source: Path) -> None:
    _pg(
        "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
        "--exit-on-error", str(source),
    )  # fmt: skip
