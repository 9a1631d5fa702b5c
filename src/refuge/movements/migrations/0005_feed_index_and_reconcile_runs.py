"""The partners' feed index on (operation, id), and a record of each `refuge reconcile`.

The index is built under a lock that holds back ledger writes while it builds: a few
seconds on a ledger of millions of events (docs/PERFORMANCE.md), so migrate out of the
busiest hours.
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("movements", "0004_ledger_indexes_that_serve_reads"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReconcileRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("shelters", models.PositiveIntegerField()),
                ("disagreeing", models.PositiveIntegerField()),
                ("fixed", models.BooleanField(default=False)),
            ],
            options={"ordering": ["-at", "-pk"]},
        ),
        migrations.AddIndex(
            model_name="movement",
            index=models.Index(fields=["operation", "id"], name="movement_feed"),
        ),
    ]
