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
    exercise = forms.BooleanField(label=_("Exercise (not a real warning)"), required=False)

    def __init__(self, *args: object, areas: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["template"].choices = [(k, w.label) for k, w in TEMPLATES.items()
                                           if k != "all_clear"]  # fmt: skip
        self.fields["area"].choices = areas

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        template = TEMPLATES.get(str(data.get("template", "")))
        if template and template.needs_place and not str(data.get("place", "")).strip():
            self.add_error("place", _("Give the shelter's address for this warning."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CAP message (XML)"))
