"""A job waiting for, held by, or finished by a worker; and the lines of its log."""

from django.conf import settings
from django.db import models


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    kind = models.CharField(max_length=80)
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    # A running job whose lease has passed belongs to a worker that died: claimable again.
    lease_until = models.DateTimeField(null=True, blank=True)
    # A queued job is not claimed before this moment (a retry's backoff: queue.RetryLater).
    run_after = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=120, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "lease_until"], name="jobs_claimable")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    def progress(self, done: int, total: int | None = None) -> None:
        from refuge.jobs import queue

        queue.progress(self, done, total)

    def log(self, message: str) -> None:
        from refuge.jobs import queue

        queue.log(self, message)


class JobLog(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="lines")
    at = models.DateTimeField(auto_now_add=True)
    attempt = models.PositiveIntegerField()
    message = models.TextField()

    class Meta:
        ordering = ["pk"]
