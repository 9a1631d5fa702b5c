"""What a browser would send back: the forms of a rendered page, parsed.

Tests that post a dictionary they wrote themselves prove only that the code agrees
with itself. These helpers read the page the server drew and fill the form the way a
browser does: every hidden field as rendered, text fields with their values, the
selected option, checked boxes only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageForm:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)

    def data(self, button: str | None = None, **typed: str) -> dict[str, str]:
        """The fields as a browser posts them, after typing `typed` into them."""
        sent = dict(self.fields)
        for name, value in self.buttons:
            if name and name == button:
                sent[name] = value
        sent.update(typed)
        return sent

    def value(self, name: str) -> str:
        return dict(self.fields)[name]


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(PageForm(a.get("action", ""), a.get("method", "get").lower()))
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((a["name"], a.get("value", "on")))
            elif kind in ("submit", "image"):
                form.buttons.append((a["name"], a.get("value", "")))
            elif kind not in ("button", "reset", "file"):
                form.fields.append((a["name"], a.get("value", "")))
        elif tag == "button" and a.get("type", "submit") == "submit":
            form.buttons.append((a.get("name", ""), a.get("value", "")))
        elif tag == "select":
            self._select, self._first_option, self._selected = a.get("name"), None, False
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a and not self._selected:
                form.fields.append((self._select, a.get("value", "")))
                self._selected = True
        elif tag == "textarea":
            self._textarea = a.get("name")
            form.fields.append((a.get("name", ""), ""))

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            name, value = self.forms[-1].fields[-1]
            self.forms[-1].fields[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select and self.forms:
            if not self._selected and self._first_option is not None:
                self.forms[-1].fields.append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(page: str | bytes) -> list[PageForm]:
    parser = _Forms()
    parser.feed(page.decode() if isinstance(page, bytes) else page)
    return parser.forms


def form_to(page: str | bytes, action_ending: str) -> list[PageForm]:
    """The page's forms whose action ends with `action_ending`."""
    return [f for f in forms_on(page) if f.action.endswith(action_ending)]
