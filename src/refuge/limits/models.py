"""Counters shared by every worker process: how many attempts a key made in a window."""

from django.db import models


class Counter(models.Model):
    """One subject's attempts in its current window, which ends at `expires_at`."""

    key = models.CharField(max_length=120, primary_key=True)
    hits = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)


class EnquiryReference(models.Model):
    """The reference number the public find page gives a relative for their enquiry.

    Random, not derived from the enquiry's id, so it can be neither guessed nor counted
    from. It lives here, beside the other defences of the public pages, because the
    enquiry table belongs to tracing's migrations.
    """

    enquiry = models.OneToOneField(
        "tracing.Enquiry", on_delete=models.CASCADE, related_name="reference"
    )
    reference = models.CharField(max_length=12, unique=True)
