"""Oversized or malformed requests get a page that says why (413 or 400), never a 500,
and nothing is saved. The limits are in settings.py and docs/SECURITY.md."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from refuge.tracing.models import Enquiry

FIND = "/tracing/find/"


def _enquiry(**extra: str) -> dict[str, str]:
    return {
        "family_name": "Коваленко", "given_name": "Оксана",
        "enquirer_name": "Олена Іваненко", "enquirer_contact": "+380 50 123 45 67", **extra,
    }  # fmt: skip


def _refused(response, status: int, text: str) -> None:  # type: ignore[no-untyped-def]
    page = response.content.decode()
    assert response.status_code == status, page[:300]
    assert 'id="refused"' in page and text in page
    assert response["Cache-Control"] == "no-store, private"
    assert Enquiry.objects.count() == 0


def test_a_body_larger_than_a_megabyte_is_refused_before_it_is_read(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(FIND, _enquiry(message="я" * 600_000), HTTP_ACCEPT_LANGUAGE="ru")
    _refused(response, 413, "1 MB")


def test_form_fields_past_256_kilobytes_are_refused(db, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REQUEST_BODY_MAX_BYTES = 10 * 1024 * 1024  # let the body through to the parser
    fields = {f"x{i}": "a" * 4000 for i in range(80)}  # 320 KB in short enough fields
    _refused(Client().post(FIND, _enquiry(**fields)), 413, "too large")


def test_more_than_a_thousand_fields_are_refused(db) -> None:  # type: ignore[no-untyped-def]
    fields = {f"f{i}": "1" for i in range(1001)}
    _refused(Client().post(FIND, _enquiry(**fields)), 400, "1000")


def test_a_thousand_fields_in_the_query_string_are_refused_too(db) -> None:  # type: ignore[no-untyped-def]
    query = "&".join(f"f{i}=1" for i in range(1001))
    response = Client().get(f"{FIND}?{query}")
    assert response.status_code == 400 and 'id="refused"' in response.content.decode()


def test_a_field_longer_than_5000_characters_is_refused_naming_it(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(FIND, _enquiry(message="Ж" * 5001))
    _refused(response, 400, "“message”")


def test_a_nul_character_is_refused_naming_the_field(db) -> None:  # type: ignore[no-untyped-def]
    _refused(Client().post(FIND, _enquiry(given_name="Окс\x00ана")), 400, "“given_name”")


def test_a_file_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("list.csv", b"family_name\n" * 100, content_type="text/csv")
    _refused(Client().post(FIND, {**_enquiry(), "attachment": upload}), 400, "files")


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_the_refusal_speaks_the_users_language(db, language: str) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(FIND, _enquiry(message="Ж" * 5001), HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert f'lang="{language}"' in page and "characters" not in page


def test_a_form_within_the_limits_is_still_accepted(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(FIND, _enquiry(message="Ж" * 2000))
    assert response.status_code == 200 and Enquiry.objects.count() == 1
