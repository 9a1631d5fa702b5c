"""With a configured key, released warnings carry an enveloped XML signature that
verifies with the certificate, still validate against the CAP schema, and stop
verifying once a word is changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.management import call_command

from refuge.alerts.models import Alert
from refuge.alerts.tests.conftest import client_for
from refuge.core import cap
from refuge.desks.tests.world import World


def key_and_cert(tmp: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Тернопільська ОВА")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1_000_001)
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (tmp / "cap.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))  # fmt: skip
    (tmp / "cap.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return tmp / "cap.key", tmp / "cap.crt"


def test_a_released_warning_is_signed_and_verifies(
    world: World, tmp_path: Path, settings: pytest.FixtureRequest
) -> None:
    key, cert = key_and_cert(tmp_path)
    settings.REFUGE_CAP_KEY, settings.REFUGE_CAP_CERT = str(key), str(cert)  # type: ignore[attr-defined]
    draft = Alert.objects.get(pk=world.alert_draft)
    client_for(world, "national").post(f"/alerts/desk/{draft.pk}/release/")
    draft.refresh_from_db()
    xml = bytes(draft.xml)
    assert draft.signed and b"<ds:Signature" in xml
    assert cap.schema_errors(xml) == []
    assert cap.verify(xml, cert_pem=cert.read_bytes())
    tampered = xml.replace("зачиніть вікна".encode(), "відчиніть вікна".encode())
    assert tampered != xml and not cap.verify(tampered, cert_pem=cert.read_bytes())
    # A partner reading it sees a signed message with the same content.
    message = cap.read(xml)
    assert message.signed and message.info("uk").instruction.startswith("Залишайтеся")


def test_a_signed_partner_message_is_imported_as_signed(world: World, tmp_path: Path) -> None:
    from tests.core.test_cap import shelter_in_place

    key, cert = key_and_cert(tmp_path)
    signed = cap.sign(cap.write(shelter_in_place()), key_pem=key.read_bytes(),
                      cert_pem=cert.read_bytes())  # fmt: skip
    (tmp_path / "ova.xml").write_bytes(signed)
    call_command("cap", "import", str(tmp_path / "ova.xml"))
    stored = Alert.objects.get(identifier="refuge-ternopil-2024-1000001")
    assert stored.signed and cap.verify(bytes(stored.xml), cert_pem=cert.read_bytes())
