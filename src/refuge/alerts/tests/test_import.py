"""`refuge cap import` and the upload page: partners' messages stored with their source."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from tests.core.test_cap import shelter_in_place

from refuge.alerts.models import Alert
from refuge.alerts.tests.conftest import client_for
from refuge.core import cap
from refuge.desks.tests.world import World


def test_import_keeps_every_field_and_the_source(world: World, tmp_path: Path) -> None:
    message = shelter_in_place()
    path = tmp_path / "ternopil-ova.xml"
    path.write_bytes(cap.write(message))
    call_command("cap", "import", str(path))
    call_command("cap", "import", str(path))  # a second time: stored once
    stored = Alert.objects.get(identifier=message.identifier)
    assert stored.state == "imported" and stored.source == "ternopil-ova.xml"
    assert cap.read(bytes(stored.xml)) == message
    assert stored.region == "UA-61"
    page = Client().get("/alerts/?lang=uk").content.decode()
    assert "Залишайтеся вдома: дим від пожежі" in page


def test_an_imported_cancel_ends_the_message_it_names(world: World, tmp_path: Path) -> None:
    from dataclasses import replace

    first = shelter_in_place()
    cancel = replace(first, identifier="refuge-ternopil-2024-1000009", msg_type="Cancel",
                     references=(cap.Reference(first.sender, first.identifier, first.sent),))  # fmt: skip
    (tmp_path / "a.xml").write_bytes(cap.write(first))
    (tmp_path / "b.xml").write_bytes(cap.write(cancel))
    call_command("cap", "import", str(tmp_path / "a.xml"), str(tmp_path / "b.xml"))
    assert Alert.objects.get(identifier=first.identifier).ended_at == first.sent


def test_the_upload_page_imports_and_refuses_hostile_xml(world: World, tmp_path: Path) -> None:
    duty = client_for(world, "duty")
    secret = tmp_path / "secret.txt"
    secret.write_text("ПАРОЛЬ-1948")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<alert xmlns="{cap.NS12}"><identifier>&x;</identifier></alert>'
    ).encode()
    before = Alert.objects.count()
    refused = duty.post("/alerts/desk/import/", {"file": SimpleUploadedFile("x.xml", xxe)})
    assert refused.status_code == 400
    assert "ПАРОЛЬ" not in refused.content.decode() and "DTD" in refused.content.decode()
    assert Alert.objects.count() == before
    good = SimpleUploadedFile("ova.xml", cap.write(shelter_in_place()), "application/cap+xml")
    response = duty.post("/alerts/desk/import/", {"file": good})
    assert response.status_code == 302
    stored = Alert.objects.get(identifier="refuge-ternopil-2024-1000001")
    assert stored.source == "uploaded by duty"


@pytest.mark.parametrize("kind", ["billion_laughs", "xinclude", "external_dtd", "twenty_megabytes"])
def test_the_upload_page_refuses_each_hostile_file(world: World, tmp_path: Path, kind: str) -> None:
    from tests.test_hostile_files import _hostile_cap

    secret = tmp_path / "secret.txt"
    secret.write_text("ПАРОЛЬ-1948")
    data = _hostile_cap(kind, secret, "http://127.0.0.1:9/alert.dtd")
    response = client_for(world, "duty").post(
        "/alerts/desk/import/", {"file": SimpleUploadedFile("x.xml", data)}
    )
    # Past the request limit the server refuses before reading the body (413).
    assert response.status_code == (413 if kind == "twenty_megabytes" else 400)
    assert "ПАРОЛЬ" not in response.content.decode()
    assert not Alert.objects.filter(source__startswith="uploaded").exists()
