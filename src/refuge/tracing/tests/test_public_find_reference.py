"""Every public enquiry gets a reference number the relative can quote and an officer can
look up; it is random, so it says nothing about how many enquiries there are."""

from __future__ import annotations

import re

from django.test import Client
from tests.pages import form_to

from refuge.desks.tests.world import World
from refuge.tracing.models import Enquiry
from refuge.tracing.tests.conftest import client_for

REFERENCE = re.compile(r'id="reference">([2-9A-Z]{5}-[2-9A-Z]{5})<')


def _enquire(family_name: str) -> str:
    page = (
        Client()
        .post(
            "/tracing/find/",
            {
                "family_name": family_name,
                "given_name": "Оксана",
                "birth_year": "1948",
                "enquirer_name": "Олена Іваненко",
                "enquirer_contact": "+380 50 123 45 67",
            },  # fmt: skip
            REMOTE_ADDR="203.0.113.7",
        )
        .content.decode()
    )
    found = REFERENCE.search(page)
    assert found, page[:600]
    return found.group(1)


def test_each_enquiry_is_given_its_own_reference_which_is_not_its_id(world: World) -> None:
    first, second = _enquire("Коваленко"), _enquire("Шевченко")
    assert first != second
    for enquiry in Enquiry.objects.all():
        assert str(enquiry.pk) not in first + second


def test_an_officer_finds_the_enquiry_by_the_reference_as_read_out_on_the_phone(
    world: World,
) -> None:
    reference = _enquire("Коваленко")
    officer = client_for(world, "tracing")
    (lookup,) = form_to(officer.get("/tracing/enquiries/").content, "/enquiries/reference/")
    typed = reference.lower().replace("-", " ")
    response = officer.post(lookup.action, lookup.data(reference=typed), follow=True)
    page = response.content.decode()
    assert "Коваленко" in page and f'id="reference">{reference}<' in page


def test_an_unknown_reference_says_so(world: World) -> None:
    _enquire("Коваленко")
    officer = client_for(world, "tracing")
    (lookup,) = form_to(officer.get("/tracing/enquiries/").content, "/enquiries/reference/")
    page = officer.post(lookup.action, lookup.data(reference="ZZZZZ-ZZZZZ"), follow=True)
    assert "No enquiry has this reference number" in page.content.decode()
    assert page.redirect_chain[-1][0] == "/tracing/enquiries/"
