"""The database itself refuses to change a recorded movement.

The model and queryset already refuse; this catches raw SQL and other programs
too. Deletes are refused on PostgreSQL only: there TRUNCATE (used to reset a test
database) bypasses row triggers, while SQLite has no TRUNCATE and its test reset
deletes rows one by one.
"""

from django.db import migrations

MESSAGE = "the movement ledger is append-only: record a correction instead"

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION movements_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements_movement
  FOR EACH ROW EXECUTE FUNCTION movements_refuse_change();
CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements_movement
  FOR EACH ROW EXECUTE FUNCTION movements_refuse_change();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS movements_no_update ON movements_movement;
DROP TRIGGER IF EXISTS movements_no_delete ON movements_movement;
DROP FUNCTION IF EXISTS movements_refuse_change();
"""
SQLITE_FORWARD = f"""
CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements_movement
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS movements_no_update;"


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    sql = PG_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    schema_editor.execute(sql)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for statement in (PG_BACKWARD if vendor == "postgresql" else SQLITE_BACKWARD).split(";"):
        if statement.strip():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("movements", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
