"""The incident desk's forms: report an incident, record a service's deployment, and
mark it contained or closed. Times are typed in the operation's local time (the views
read the forms inside `timezone.override(operation.timezone)`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refuge.incidents.models import Incident
from refuge.reports.forms import AS_OF_FORMATS

# A clock a few minutes fast on a tablet is not an error; a time tomorrow is.
CLOCK_SLACK = timedelta(minutes=10)


def _when(label: str, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=AS_OF_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Write the date and time like 20.08.2024 03:05.")},
    )


def _not_future(value: datetime | None) -> datetime | None:
    if value is not None and value > timezone.now() + CLOCK_SLACK:
        raise forms.ValidationError(_("This time is in the future."), code="future")
    return value


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=100_000, initial=0)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Incident.Kind.choices)
    name = forms.CharField(label=_("Short name"), max_length=200)
    place = forms.CharField(label=_("Place"), max_length=300)
    reported_at = _when(_("Reported at"))
    lat = forms.FloatField(label=_("Latitude (optional)"), min_value=-90, max_value=90,
                           required=False)  # fmt: skip
    lon = forms.FloatField(label=_("Longitude (optional)"), min_value=-180, max_value=180,
                           required=False)  # fmt: skip
    alerts = forms.MultipleChoiceField(
        label=_("Warnings about it"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, alerts: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["alerts"].choices = alerts

    def clean_reported_at(self) -> datetime | None:
        return _not_future(self.cleaned_data["reported_at"])

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lon", _("Give both latitude and longitude, or neither."))
        return data


class DeploymentForm(forms.Form):
    """One service's people and equipment on the incident from `at` on: a new row, never
    an edit, so that the report at any earlier moment still reads what was known then."""

    service = forms.CharField(
        label=_("Service"), max_length=120,
        widget=forms.TextInput(attrs={"list": "services", "autocomplete": "off"}),
    )  # fmt: skip
    at = _when(_("From"))
    personnel = _count(_("Personnel"))
    units = _count(_("Units of equipment"))
    fire_train = _count(_("of them fire trains"))
    aerial_ladder = _count(_("of them aerial ladders"))
    heavy_engineering = _count(_("of them heavy engineering vehicles"))
    pumping_station = _count(_("of them pumping stations"))

    SPECIAL = ("fire_train", "aerial_ladder", "heavy_engineering", "pumping_station")

    def __init__(self, *args: object, incident: Incident, **kwargs: object) -> None:
        self.incident = incident
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean_at(self) -> datetime | None:
        at = _not_future(self.cleaned_data["at"])
        if at is not None and at < self.incident.reported_at:
            raise forms.ValidationError(_("Before the incident was reported."), code="early")
        if at is not None and self.incident.closed_at and at > self.incident.closed_at:
            raise forms.ValidationError(_("After the incident was closed."), code="late")
        return at

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        special = {k: int(data.get(k) or 0) for k in self.SPECIAL}
        units = data.get("units")
        if isinstance(units, int) and sum(special.values()) > units:
            self.add_error("units", _("Fewer units than the special ones counted among them."))
        data["special"] = {k: v for k, v in special.items() if v}
        return data


class UpdateForm(forms.Form):
    contained_at = _when(_("Contained at"), required=False)
    closed_at = _when(_("Closed at"), required=False)
    dead = _count(_("Dead"))
    injured = _count(_("Injured"))

    def __init__(self, *args: object, incident: Incident, **kwargs: object) -> None:
        self.incident = incident
        kwargs.setdefault(
            "initial",
            {"contained_at": incident.contained_at, "closed_at": incident.closed_at,
             "dead": incident.dead, "injured": incident.injured},
        )  # fmt: skip
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def _after_report(self, field: str) -> datetime | None:
        value = _not_future(self.cleaned_data[field])
        if value is not None and value < self.incident.reported_at:
            raise forms.ValidationError(_("Before the incident was reported."), code="early")
        return value

    def clean_contained_at(self) -> datetime | None:
        return self._after_report("contained_at")

    def clean_closed_at(self) -> datetime | None:
        return self._after_report("closed_at")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        contained, closed = data.get("contained_at"), data.get("closed_at")
        if isinstance(contained, datetime) and isinstance(closed, datetime) and closed < contained:
            self.add_error("closed_at", _("Closed before it was contained."))
        last = self.incident.deployments.order_by("-at").values_list("at", flat=True).first()
        if isinstance(closed, datetime) and last is not None and closed < last:
            self.add_error("closed_at", _("Before the last deployment recorded on it."))
        return data
