"""The partners' feed: an index on (operation, recorded_at, id) for `?since=`.

Like the feed index before it, it is built under a lock that holds back ledger writes
while it builds (seconds on a ledger of millions of events: docs/PERFORMANCE.md), so
migrate out of the busiest hours.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("movements", "0005_feed_index_and_reconcile_runs"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="movement",
            index=models.Index(
                fields=["operation", "recorded_at", "id"], name="movement_feed_since"
            ),
        ),
    ]
