"""`placement.propose`: the plan for a whole waiting queue, made outside the request.

The payload names the coordinator (user and membership); the job makes the plan in
their scope (`do_propose_plan`, which audits it) and keeps its id as the result, for
the coordinator to review and accept on the plan's page. The placement page queues it
(its "Make a plan" button) and shows the job's page, which links the plan when done; the
job log gives each stage's figures (households, free places, persons placed), no names. Run again after a lost
worker it makes a fresh plan and expires the earlier one, as a second click would.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from refuge.accounts.models import Membership
from refuge.accounts.scope import Actor
from refuge.jobs import queue
from refuge.jobs.models import Job
from refuge.placement.actions import PLAN_STAGES, do_propose_plan


@queue.kind("placement.propose")
def propose(job: Job) -> dict[str, Any]:
    membership = Membership.objects.select_related("operation").get(pk=job.payload["membership"])
    user = get_user_model().objects.get(pk=job.payload["user"])
    queue.progress(job, 0, PLAN_STAGES)

    def stage(done: int, total: int, what: str) -> None:
        queue.log(job, what)
        queue.progress(job, done, total)

    plan = do_propose_plan(actor=Actor(user=user, membership=membership), progress=stage)
    queue.log(job, f"plan {plan.pk} proposed")
    return {"plan": plan.pk}
