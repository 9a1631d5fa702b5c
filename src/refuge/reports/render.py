"""The situation report as text and as JSON, in the reader's language."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats, translation
from django.utils.translation import gettext as _

from refuge.core.sitrep import Sitrep
from refuge.incidents.models import Incident


def n(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def when(as_of: datetime, tz: str) -> str:
    local = as_of.astimezone(ZoneInfo(tz))
    return formats.date_format(local, "DATETIME_FORMAT")


def as_json(report: Sitrep) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)


def as_text(report: Sitrep, *, tz: str, affected_name: str) -> str:
    e, a, o = report.evacuation, report.affected, report.other_regions
    lines = [
        _("Situation report: %(operation)s") % {"operation": report.operation},
        _("As of %(when)s") % {"when": when(report.as_of, tz)},
        "",
        _(
            "Since the start of the operation %(total)s people have been relocated from "
            "%(districts)s districts under evacuation orders. In the last 24 hours "
            "%(recent)s people left: %(own)s on their own and %(organised)s in organised groups."
        )
        % {
            "total": n(e.relocated_total),
            "districts": n(e.districts),
            "recent": n(e.relocated_last_24h),
            "own": n(e.on_own_last_24h),
            "organised": n(e.organised_last_24h),
        },
        _(
            "Most went to relatives or their own housing (%(relatives)s people); "
            "%(sheltered)s were sent to temporary shelters."
        )
        % {
            "relatives": n(report.destinations_relatives_or_own),
            "sheltered": n(report.destinations_shelters),
        },
        *_not_yet_registered(report),
        _(
            "In %(region)s, %(open)s temporary shelters house %(occupants)s people "
            "(%(capacity)s places)."
        )
        % {
            "region": affected_name,
            "open": n(a.open),
            "occupants": n(a.occupants),
            "capacity": n(a.capacity),
        },
        _(
            "In %(regions)s other regions, %(open)s temporary shelters house %(occupants)s "
            "people (%(capacity)s places)."
        )
        % {
            "regions": n(report.other_region_count),
            "open": n(o.open),
            "occupants": n(o.occupants),
            "capacity": n(o.capacity),
        },
        _(
            "A further %(shelters)s shelters with %(capacity)s places stand ready in "
            "%(territories)s territories."
        )
        % {
            "shelters": n(report.standby_shelters),
            "capacity": n(report.standby_capacity),
            "territories": n(report.standby_territories),
        },
        "",
        _("Departures by district"),
        _table(
            [_("District"), _("Relocated"), _("Last 24 h")],
            [[d.district, n(d.relocated_total), n(d.relocated_last_24h)] for d in e.by_district]
            + [[_("Total"), n(e.relocated_total), n(e.relocated_last_24h)]],
        ),
        "",
        _("Temporary shelters by region"),
        _table(
            [_("Region"), _("Open"), _("Occupants"), _("Places"), _("Free"), _("Standby")],
            [
                [r.name, n(r.open), n(r.occupants), n(r.capacity), n(r.free), n(r.standby)]
                for r in report.by_region
            ],
        ),
        *_incidents(report, tz),
    ]
    return "\n".join(lines) + "\n"


def special_names() -> dict[str, str]:
    return {
        "fire_train": _("fire trains"),
        "aerial_ladder": _("aerial ladders"),
        "heavy_engineering": _("heavy engineering vehicles"),
        "pumping_station": _("pumping stations"),
    }


def special_text(special: tuple[tuple[str, int], ...]) -> str:
    names = special_names()
    return ", ".join(f"{names.get(kind, kind)}: {n(count)}" for kind, count in special)


def _incidents(report: Sitrep, tz: str) -> list[str]:
    s = report.incidents
    if s.empty:
        return []
    kinds = dict(Incident.Kind.choices)
    lines = [
        "",
        _("Incidents"),
        _(
            "%(open)s incidents open, %(closed)s closed in the last 24 hours. Deployed now: "
            "%(personnel)s personnel and %(units)s units of equipment."
        )
        % {
            "open": n(len(s.open)),
            "closed": n(len(s.closed_last_24h)),
            "personnel": n(s.personnel),
            "units": n(s.units),
        },
    ]
    for x in (*s.open, *s.closed_last_24h):
        state = (
            _("closed %(when)s") % {"when": when(x.closed_at, tz)}
            if x.closed_at
            else _("contained %(when)s") % {"when": when(x.contained_at, tz)}
            if x.contained_at
            else _("not contained")
        )
        lines.append(
            _(
                "- %(kind)s: %(name)s, %(place)s; reported %(reported)s, %(state)s. "
                "%(personnel)s personnel, %(units)s units%(special)s. Dead: %(dead)s, injured: "
                "%(injured)s."
            )
            % {
                "kind": kinds.get(x.kind, x.kind),
                "name": x.name,
                "place": x.place,
                "reported": when(x.reported_at, tz),
                "state": state,
                "personnel": n(x.personnel),
                "units": n(x.units),
                "special": f" ({special_text(x.special)})" if x.special else "",
                "dead": n(x.dead),
                "injured": n(x.injured),
            }
        )
    lines += ["", _("Warnings in force")]
    lines += [f"- {w.headline} ({when(w.sent, tz)})" for w in s.warnings] or [_("none")]
    return lines


def _not_yet_registered(report: Sitrep) -> list[str]:
    """The rest of the relocated: on the road or at a reception point's queue at as_of."""
    if not report.not_yet_registered:
        return []
    return [
        _("%(people)s more left home and were not registered yet.")
        % {"people": n(report.not_yet_registered)}
    ]


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0])] + [c.rjust(w) for c, w in zip(rest, widths[1:], strict=True)]
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def in_language(lang: str):  # type: ignore[no-untyped-def]
    return translation.override(lang)
