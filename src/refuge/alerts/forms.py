from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from refuge.alerts.wording import TEMPLATES


class DraftForm(forms.Form):
    template = forms.ChoiceField(label=_("Warning"))
    area = forms.ChoiceField(label=_("Area"))
    place = forms.CharField(
        label=_("Shelter address (for shelter opened / full)"), max_length=300, required=False
    )
    description = forms.CharField(
        label=_("What happened (optional)"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    hours = forms.IntegerField(label=_("Valid for (hours)"), min_value=1, max_value=168,
                               required=False)  # fmt: skip
    band_km = forms.FloatField(label=_("Border band: km from the border"), min_value=0.5,
                               max_value=200, required=False)  # fmt: skip
    lat = forms.FloatField(label=_("Circle: latitude"), min_value=-90, max_value=90,
                           required=False)  # fmt: skip
    lon = forms.FloatField(label=_("Circle: longitude"), min_value=-180, max_value=180,
                           required=False)  # fmt: skip
    radius_km = forms.FloatField(label=_("Circle: radius, km"), min_value=0.1, max_value=500,
                                 required=False)  # fmt: skip
    exercise = forms.BooleanField(label=_("Exercise (not a real warning)"), required=False)

    def __init__(
        self, *args: object, areas: list[tuple[str, str]], region_code: str, **kwargs: object
    ) -> None:
        self.region_code = region_code
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["template"].choices = [(k, w.label) for k, w in TEMPLATES.items()
                                           if k != "all_clear"]  # fmt: skip
        self.fields["area"].choices = areas
        # The page shows the address only for the warnings that need one (draft.js).
        self.place_templates = " ".join(k for k, w in TEMPLATES.items() if w.needs_place)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        template = TEMPLATES.get(str(data.get("template", "")))
        if template and template.needs_place and not str(data.get("place", "")).strip():
            self.add_error("place", _("Give the shelter's address for this warning."))
        area = data.get("area")
        if area == "band":
            if data.get("band_km") is None:
                self.add_error("band_km", _("Give the band's width in km."))
            else:
                data["area"] = f"band:{self.region_code},{data['band_km']:g}"
        elif area == "circle":
            missing = [f for f in ("lat", "lon", "radius_km") if data.get(f) is None]
            for f in missing:
                self.add_error(f, _("Needed for a circle."))
            if not missing:
                data["area"] = f"circle:{data['lat']:.5f},{data['lon']:.5f},{data['radius_km']:g}"
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CAP message (XML)"))
