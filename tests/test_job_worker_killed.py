"""A worker killed with SIGKILL leaves its job to be taken up again, not lost.

The real `refuge jobs work` runs on a scratch database with a two-second lease; it is
killed in the middle of a job, and a second worker finishes that job from where the
first one had got to.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.scratch import ScratchDatabase

STATE = """
import json
from refuge.jobs.models import Job
job = Job.objects.get()
print(json.dumps({"state": job.state, "done": job.done, "attempts": job.attempts,
                  "lines": [line.message for line in job.lines.all()]}))
"""


def job_state(db: ScratchDatabase) -> dict:  # type: ignore[type-arg]
    return json.loads(db.refuge("shell", "-v", "0", "-c", STATE).stdout)


@pytest.mark.slow
def test_killed_workers_job_is_retried_by_the_next_worker(tmp_path: Path) -> None:
    db = ScratchDatabase(tmp_path)
    db.env["REFUGE_JOB_LEASE_SECONDS"] = "2"
    try:
        db.refuge("migrate", "--verbosity", "0")
        db.refuge("jobs", "enqueue", "jobs.check", "--payload", '{"to": 40, "pause": 0.1}')
        worker = subprocess.Popen(
            [sys.executable, "-m", "refuge", "jobs", "work", "--poll", "0.2"],
            env=db.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while job_state(db)["done"] < 5 and time.monotonic() < deadline:
            time.sleep(0.3)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        killed = job_state(db)
        assert killed["state"] == "running" and 5 <= killed["done"] < 40

        db.refuge("jobs", "work", "--until-empty", "--poll", "0.2")
        # the lease had not passed at once: --until-empty may find nothing claimable yet
        while job_state(db)["state"] != "done" and time.monotonic() < deadline:
            time.sleep(0.5)
            db.refuge("jobs", "work", "--until-empty", "--poll", "0.2")
        after = job_state(db)
        assert after["state"] == "done" and after["done"] == 40 and after["attempts"] == 2
        assert after["lines"][-1] == "done"
        assert sum("started" in line for line in after["lines"]) == 2
    finally:
        db.drop()
