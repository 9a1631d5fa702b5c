"""Drop the ledger's foreign-key indexes that serve no read (see the model's Meta).

On SQLite, altering a field rebuilds the table, which loses the trigger that refuses
updates (migration 0002): it is made again here. PostgreSQL only drops the indexes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS movements_no_update BEFORE UPDATE ON movements_movement
BEGIN SELECT RAISE(ABORT, 'the movement ledger is append-only: record a correction instead'); END;
"""


def restore_sqlite_trigger(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0001_initial"),
        ("movements", "0003_event_kind_labels"),
        ("operations", "0001_initial"),
        ("registry", "0002_person_updated_at"),
        ("shelters", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="movement",
            name="corrects",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="corrections",
                to="movements.movement",
            ),
        ),
        migrations.AlterField(
            model_name="movement",
            name="destination_region",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geo.region",
            ),
        ),
        migrations.AlterField(
            model_name="movement",
            name="district",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geo.district",
            ),
        ),
        migrations.AlterField(
            model_name="movement",
            name="operation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="operations.operation",
            ),
        ),
        migrations.AlterField(
            model_name="movement",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="movements",
                to="registry.person",
            ),
        ),
        migrations.AlterField(
            model_name="movement",
            name="reception_point",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.receptionpoint",
            ),
        ),
        migrations.AlterField(
            model_name="movement",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="movement",
            name="settlement",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geo.settlement",
            ),
        ),
        migrations.AlterField(
            model_name="movement",
            name="shelter",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="movements",
                to="shelters.shelter",
            ),
        ),
        migrations.AddIndex(
            model_name="movement",
            index=models.Index(
                condition=models.Q(("corrects__isnull", False)),
                fields=["corrects"],
                name="movement_corrects",
            ),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
