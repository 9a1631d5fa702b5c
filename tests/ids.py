"""Every table's ids start at 1,000,000 in the test databases.

Bugs that only large ids show (a household number drawn "1,000,047" into a hidden
field, a year printed "1,983") passed a suite whose ids were all small. Real
registries number in the hundreds of thousands, so the tests do too.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection
from django.db.models import AutoField, BigAutoField, SmallAutoField

FIRST_ID = 1_000_000


def start_ids_at(first: int = FIRST_ID) -> None:
    tables = [
        (m._meta.db_table, m._meta.pk.column)
        for m in apps.get_models(include_auto_created=True)
        if isinstance(m._meta.pk, AutoField | BigAutoField | SmallAutoField)
        and m._meta.managed
        and not m._meta.proxy
    ]
    with connection.cursor() as cursor:
        for table, column in tables:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s, false)",
                    [connection.ops.quote_name(table), column, first],
                )
            else:  # SQLite's AUTOINCREMENT keeps the last id given in sqlite_sequence
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, first - 1]
                )


if __name__ == "__main__":  # python -m tests.ids: the scratch databases of the CLI tests
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refuge.settings")

    django.setup()
    start_ids_at()
