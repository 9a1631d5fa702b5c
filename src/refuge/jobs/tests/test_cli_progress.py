"""Long commands draw a bar on a terminal and stay quiet in a pipe or a log."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from refuge.jobs import queue

# The worker closes connections between jobs, as a long-running process must, so these
# run outside a test transaction (which PostgreSQL would lose with its connection).
pytestmark = pytest.mark.django_db(transaction=True)


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_the_worker_draws_a_bar_for_each_job_it_runs_on_a_terminal() -> None:
    first = queue.enqueue("jobs.check", {"to": 3})
    second = queue.enqueue("jobs.check", {"to": 5})
    term = Terminal()
    call_command("jobs", "work", "--until-empty", stdout=StringIO(), stderr=term)
    drawn = term.getvalue()
    assert f"job {first.pk} jobs.check" in drawn and "3/3" in drawn
    assert f"job {second.pk} jobs.check" in drawn and "5/5" in drawn and "━" in drawn


def test_the_worker_is_quiet_off_a_terminal() -> None:
    queue.enqueue("jobs.check", {"to": 3})
    log, out = StringIO(), StringIO()
    call_command("jobs", "work", "--until-empty", stdout=out, stderr=log)
    assert log.getvalue() == "" and out.getvalue().strip() == "1 job(s) run"


def test_tracing_index_draws_its_bar_on_a_terminal_only() -> None:
    term, log = Terminal(), StringIO()
    call_command("tracing", "index", stdout=StringIO(), stderr=term)
    call_command("tracing", "index", stdout=StringIO(), stderr=log)
    assert "persons looked at" in term.getvalue() and log.getvalue() == ""
