"""The public find page is no oracle for where a person is from.

A probe found the answer turned from "could not confirm" to "registered safe" when the
guessed home town was right: anyone who knew a consented person's name could learn their
town by trying towns. The rule (docs/DATA-PROTECTION.md): the answer depends only on what
identifies the person (the names and the year of birth); the home town is passed to the
tracing officer and never changes what the page says.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from refuge.desks.tests.world import World
from refuge.registry.actions import MemberData
from refuge.tracing.tests.conftest import register_people

TOWNS = ("", "Суджа", "Sudzha", "Льгов", "Курск")


def _answer(given_name: str, birth_year: str, settlement: str, ip: str) -> str:
    page = Client().post(
        "/tracing/find/",
        {
            "family_name": "Иванова",
            "given_name": given_name,
            "birth_year": birth_year,
            "settlement": settlement,
            "enquirer_name": "Олена Іваненко",
            "enquirer_contact": "+380 50 123 45 67",
        },  # fmt: skip
        REMOTE_ADDR=ip,
    )
    found = re.search(r'id="answer">([^<]+)<', page.content.decode())
    assert found, page.content.decode()[:500]
    return found.group(1)


@pytest.mark.parametrize(
    ("given_name", "birth_year"),
    [("Татьяна", "1952"), ("Tatiana", ""), ("Таня", ""), ("Tanya", "1952"), ("Тетяна", "")],
)
def test_the_answer_is_the_same_whatever_home_town_is_guessed(
    world: World, given_name: str, birth_year: str
) -> None:
    register_people(
        world,
        MemberData(
            given_name="Татьяна",
            family_name="Иванова",
            patronymic="Петровна",
            birth_year=1952,
            consents_to_be_found=True,
        ),  # fmt: skip
        settlement="Суджа",
    )
    answers = {
        town: _answer(given_name, birth_year, town, ip=f"203.0.113.{i}")
        for i, town in enumerate(TOWNS, start=1)
    }
    assert len(set(answers.values())) == 1, answers
