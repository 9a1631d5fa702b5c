"""The API's opening of each shelter's JSON object, kept by PostgreSQL (models.Shelter).

The trigger writes it from the row itself on every insert, and on every update that sets
one of the fields it holds (a model's save() sets them all), so it cannot lag behind the
row; an update of the counters alone leaves it be. `extra_float_digits = 1` pins the
shortest text that reads back as the same float, whatever the writing session's setting.
On SQLite the column stays empty: the API writes rows in Python there.
"""

from django.db import migrations, models

FIELDS = ("id", "name", "district_id", "address", "lat", "lon", "kind",
          "wheelchair_access", "medical_post", "children_area", "pets_allowed")  # fmt: skip

CREATE = f"""
CREATE FUNCTION shelters_shelter_json_opening() RETURNS trigger
LANGUAGE plpgsql SET extra_float_digits = 1 AS $$
BEGIN
    NEW.json_opening := '{{"id":' || NEW.id
        || ',"name":' || to_json(NEW.name)::text
        || ',"district":' || COALESCE(NEW.district_id::text, 'null')
        || ',"address":' || to_json(NEW.address)::text
        || ',"lat":' || NEW.lat::text
        || ',"lon":' || NEW.lon::text
        || ',"kind":' || to_json(NEW.kind)::text
        || ',"wheelchair_access":' || NEW.wheelchair_access::text
        || ',"medical_post":' || NEW.medical_post::text
        || ',"children_area":' || NEW.children_area::text
        || ',"pets_allowed":' || NEW.pets_allowed::text;
    RETURN NEW;
END
$$;
CREATE TRIGGER shelters_shelter_json_opening
BEFORE INSERT OR UPDATE OF {", ".join((*FIELDS, "json_opening"))} ON shelters_shelter
FOR EACH ROW EXECUTE FUNCTION shelters_shelter_json_opening();
UPDATE shelters_shelter SET json_opening = '';
"""

DROP = """
DROP TRIGGER IF EXISTS shelters_shelter_json_opening ON shelters_shelter;
DROP FUNCTION IF EXISTS shelters_shelter_json_opening();
"""


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("shelters", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="shelter",
            name="json_opening",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(create, drop),
    ]
