"""The jobs app's own kind: `jobs.check`, to see that a deployment's worker runs."""

from __future__ import annotations

import time
from typing import Any

from refuge.jobs import queue
from refuge.jobs.models import Job


@queue.kind("jobs.check")
def check(job: Job) -> dict[str, Any]:
    """Count to `payload["to"]`, pausing `payload["pause"]` s a step; resumes at `done`."""
    steps, pause = int(job.payload.get("to", 10)), float(job.payload.get("pause", 0))
    for step in range(job.done, steps):
        time.sleep(pause)
        queue.progress(job, step + 1, steps)
    return {"counted": steps}
