"""Records exchanged with partner repositories in PFIF 1.4.

Persons received from elsewhere are kept apart from the registry: they are claims
("someone is looking for X", "X was seen safe at Y") to be matched against the
people Refuge registered, not registrations.
"""

from django.db import models

from refuge.registry.models import Person


class ExternalPerson(models.Model):
    record_id = models.CharField(max_length=500, unique=True)
    entry_date = models.DateTimeField(help_text="entry_date in the sending repository")
    expiry_date = models.DateTimeField(null=True, blank=True)
    source_name = models.CharField(max_length=200, blank=True)
    source_date = models.DateTimeField(null=True, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    author_email = models.CharField(max_length=200, blank=True)
    author_phone = models.CharField(max_length=60, blank=True)
    full_name = models.CharField(max_length=300, blank=True)
    given_name = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    alternate_names = models.CharField(max_length=500, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    date_of_birth = models.CharField(max_length=10, blank=True)
    age = models.CharField(max_length=10, blank=True)
    home_city = models.CharField(max_length=200, blank=True)
    home_state = models.CharField(max_length=200, blank=True)
    home_country = models.CharField(max_length=2, blank=True)
    received_at = models.DateTimeField(auto_now=True)


class ExternalNote(models.Model):
    record_id = models.CharField(max_length=500, unique=True)
    person = models.ForeignKey(ExternalPerson, on_delete=models.CASCADE, related_name="notes")
    entry_date = models.DateTimeField()
    author_name = models.CharField(max_length=200, blank=True)
    source_date = models.DateTimeField(null=True, blank=True)
    author_made_contact = models.BooleanField(null=True)
    status = models.CharField(max_length=30, blank=True)
    linked_person_record_id = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)


class PossibleMatch(models.Model):
    """A registered person an imported record may describe, for a tracing officer to review."""

    external = models.ForeignKey(ExternalPerson, on_delete=models.CASCADE, related_name="matches")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.CharField(max_length=500, blank=True)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["external", "person"], name="one_match_per_pair")
        ]


class ExportedPerson(models.Model):
    """A registered person once sent to partners: if consent is withdrawn, or the record
    expires, the next export sends a placeholder so partners empty their copies."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    first_exported_at = models.DateTimeField(auto_now_add=True)
