"""How forms are drawn: Django's widget templates, rendered by Jinja2.

A registration page has some fifty widgets and a hundred-odd region options. Through
the Django template engine they were a quarter of a registration's CPU; Jinja2 draws
the same templates several times faster (docs/PERFORMANCE.md, "Registration desk").
"""

from django.forms.renderers import Jinja2


class FormRenderer(Jinja2):
    # `{{ field.as_field_group }}` in a template: label, widget, and the error next to
    # the field with an id the widget's aria-describedby can point at.
    field_template_name = "refuge/field.html"
