"""Exports shaped like KoboToolbox's XLSX and ODK Central's CSV, for the import tests."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

FAMILIES = ["Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олейник", "Шевченко", "Мельник"]
GIVEN = [("Тамара", "F"), ("Олег", "M"), ("Нина", "F"), ("Богдан", "M"), ("Зинаида", "F")]


@dataclass
class Household:
    key: uuid.UUID
    origin: str
    point: str
    submitted: str
    members: list[dict[str, str]]
    size: str = ""
    values: dict[str, str] = field(default_factory=dict)


def households(n: int, origins: list[str], point: str, seed: int = 0) -> list[Household]:
    out = []
    for i in range(seed, seed + n):
        people = 1 if i % 5 == 0 else 7 if i % 11 == 0 else 2 + i % 3
        family = FAMILIES[i % len(FAMILIES)]
        members = [
            {
                "family_name": family,
                "given_name": GIVEN[(i + j) % len(GIVEN)][0],
                "patronymic": "Петрович" if GIVEN[(i + j) % len(GIVEN)][1] == "M" else "Петровна",
                "sex": GIVEN[(i + j) % len(GIVEN)][1],
                "birth_date": f"{1 + (i + j) % 28:02d}.{1 + j % 12:02d}.{1948 + (i * 7 + j) % 70}",
                "needs": "wheelchair" if (i + j) % 13 == 0 else "",
            }
            for j in range(people)
        ]
        out.append(
            Household(
                key=uuid.UUID(int=10_000_000 + i),
                origin=origins[i % len(origins)],
                point=point,
                submitted=f"2024-08-{10 + i % 5:02d}T{8 + i % 10:02d}:{i % 60:02d}:00",
                members=members,
                size=str(people),
            )
        )
    return out


def _household_values(h: Household) -> dict[str, str]:
    return {
        "district": "",
        "origin": h.origin,
        "reception_point": h.point,
        "left_at": h.submitted[:10] + "T06:00:00",
        "mode": "organised" if h.key.int % 2 else "own",
        "destination": "relatives" if h.key.int % 3 else "shelter",
        "phone": f"+7 910 {h.key.int % 1000:03d}-45-67",
        "household_size": h.size,
        "consent": "yes",
        **h.values,
    }


def kobo_xlsx(path: Path, rows: list[Household]) -> Path:
    # Write-only: a bench's 100,000 submissions would otherwise be millions of cell objects.
    book = Workbook(write_only=True)
    main = book.create_sheet("Refuge registration")
    fields = list(_household_values(rows[0]))
    main.append(["start", *[f"household/{f}" for f in fields], "_id", "_uuid",
                 "_submission_time", "_index"])  # fmt: skip
    members = book.create_sheet("members")
    member_fields = list(rows[0].members[0])
    members.append([f"members/{f}" for f in member_fields] + ["_index", "_parent_table_name",
                   "_parent_index", "_submission__uuid"])  # fmt: skip
    visits = book.create_sheet("visits")  # a second repeat group the importer leaves alone
    visits.append(["visits/note", "_index", "_parent_index"])
    m = 0
    for index, h in enumerate(rows, start=1):
        values = _household_values(h)
        main.append([h.submitted, *[values[f] for f in fields], 1_000_000 + index, str(h.key),
                     h.submitted, index])  # fmt: skip
        for person in h.members:
            m += 1
            members.append([person[f] for f in member_fields] + [m, "Refuge registration",
                           index, str(h.key)])  # fmt: skip
        visits.append(["звонили родственникам", index, index])
    book.save(path)
    return path


def odk_csv(path: Path, rows: list[Household]) -> Path:
    fields = list(_household_values(rows[0]))
    member_fields = list(rows[0].members[0])
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["SubmissionDate", *[f"household-{x}" for x in fields], "meta-instanceID", "KEY"]
        )
        for h in rows:
            values = _household_values(h)
            w.writerow([h.submitted + ".000Z", *[values[x] for x in fields], f"uuid:{h.key}",
                        f"uuid:{h.key}"])  # fmt: skip
    with (path.parent / f"{path.stem}-members.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([*member_fields, "PARENT_KEY", "KEY"])
        for h in rows:
            for j, person in enumerate(h.members, start=1):
                w.writerow([*[person[x] for x in member_fields], f"uuid:{h.key}",
                            f"uuid:{h.key}/members[{j}]"])  # fmt: skip
    return path
