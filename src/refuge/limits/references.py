"""Reference numbers for public enquiries: ten characters a person can read out by phone.

The alphabet leaves out 0/O, 1/I/L and U, which are misheard or misread; ten of its 30
characters give about 2^49 references, so guessing one that exists is hopeless.
"""

from __future__ import annotations

import secrets

from refuge.limits.models import EnquiryReference

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10


def new_reference() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalised(typed: str) -> str:
    """What an officer typed, as stored: case, spaces and dashes do not matter."""
    raw = "".join(c for c in typed.upper() if c.isalnum())
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == LENGTH else raw


def do_give_reference(*, enquiry_id: int) -> str:
    reference = new_reference()
    EnquiryReference.objects.create(enquiry_id=enquiry_id, reference=reference)
    return reference


def enquiry_id_for(typed: str) -> int | None:
    return (
        EnquiryReference.objects.filter(reference=normalised(typed))
        .values_list("enquiry_id", flat=True)
        .first()
    )
