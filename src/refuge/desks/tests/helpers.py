from __future__ import annotations

import uuid

from refuge.geo.models import Settlement


def registration_post(
    members: list[dict[str, str]], key: uuid.UUID | None = None, **household: str
) -> dict[str, str]:
    origin = Settlement.objects.select_related("district").order_by("pk").first()
    data = {
        "origin": f"{origin.name_en} ({origin.district.name_en})",
        "phone": "+7 900 000 00 00",
        "mode": "organised",
        "destination": "relatives",
        "destination_region": "",
        "destination_address": "",
        "idempotency_key": str(key or uuid.uuid4()),
        "shelter": "",
        "m-TOTAL_FORMS": str(len(members)),
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "30",
        **household,
    }
    for i, m in enumerate(members):
        for k, v in m.items():
            data[f"m-{i}-{k}"] = v
    return data
