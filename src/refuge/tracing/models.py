"""Tracing: blocking keys of the registry, duplicate pairs for review, merges, enquiries.

A merge never deletes a person: it says "this registration is the same person as that
one", and can be undone; the history stays. Models holding personal data have no
`__str__`, so a name cannot reach a log line through one.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from refuge.operations.models import Operation
from refuge.registry.models import Household, Person


class NameKey(models.Model):
    """One hashed blocking key of one registered person (core.linkage.blocking rules).

    The desk adds a household's rows as it registers it, and `keys.catch_up` those of
    persons written otherwise; the unique constraint lets several processes catch up
    at once without duplicating a row.
    """

    # No foreign-key constraints in the database: a key row is derived from its person
    # and written in the transaction that writes the person (or by `catch_up` from the
    # person read), and deleting a person deletes its keys through the ORM's cascade.
    # The constraints' checks at commit were a third of PostgreSQL's work for an import
    # (two lookups for each of some fifteen keys a person; docs/PERFORMANCE.md).
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    # No index of its own: no lookup starts from the operation, and at scale 10 the
    # index was 116 MB that every registration's sixty key rows had to update.
    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    key = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "person"], name="one_name_key_per_person"),
        ]


class DuplicateCandidate(models.Model):
    """Two registrations the engine scores as possibly one person, for an officer to decide."""

    class Status(models.TextChoices):
        OPEN = "open"
        MERGED = "merged"
        KEPT_APART = "kept_apart"

    class Source(models.TextChoices):
        SCAN = "scan"  # `refuge tracing scan` over the registry
        REGISTRATION = "registration"  # registered although the desk check found them

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+")
    left = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    evidence = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(max_length=14, choices=Source.choices, default=Source.SCAN)
    found_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="one_candidate_per_pair"),
            models.CheckConstraint(condition=Q(left__lt=F("right")), name="candidate_left_first"),
        ]
        indexes = [models.Index(fields=["operation", "status", "probability"])]

    @classmethod
    def between(cls, a: int, b: int, **fields: object) -> "DuplicateCandidate":
        """An unsaved pair of persons a and b, the lower id on the left as the constraint wants."""
        left, right = sorted((a, b))
        return cls(left_id=left, right_id=right, **fields)


class HouseholdMerge(models.Model):
    """Two registrations of one family, merged member by member in one decision.

    Its `Merge` rows (one per member paired) are undone together, as one merge is.
    """

    kept = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(kept=F("merged")), name="household_merge_two_households"
            ),
        ]


class Merge(models.Model):
    """`merged` is the same person as `kept`. Undone merges stay, with who undid them."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        DuplicateCandidate, on_delete=models.PROTECT, null=True, blank=True, related_name="merges"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household_merge = models.ForeignKey(
        HouseholdMerge, on_delete=models.PROTECT, null=True, blank=True, related_name="merges"
    )

    class Meta:
        constraints = [
            # A registration is merged into at most one other at a time.
            models.UniqueConstraint(
                fields=["merged"], condition=Q(undone_at__isnull=True), name="one_live_merge"
            ),
            models.CheckConstraint(condition=~Q(kept=F("merged")), name="merge_two_people"),
        ]


class Enquiry(models.Model):
    """A relative looking for someone, left through the public page for a tracing officer."""

    class Status(models.TextChoices):
        OPEN = "open"
        RESOLVED = "resolved"

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    enquirer_name = models.CharField(max_length=200)
    enquirer_contact = models.CharField(max_length=200)
    family_name = models.CharField(max_length=100)
    given_name = models.CharField(max_length=100)
    patronymic = models.CharField(max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    settlement = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    told_found = models.BooleanField(default=False)  # the page said "registered safe"
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "received_at"])]
