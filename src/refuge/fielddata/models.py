"""The column mapping a user chose for a list, offered again for a file with the same headers."""

from django.conf import settings
from django.db import models

from refuge.operations.models import Operation


class SavedMapping(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+")
    # None: remembered by the command line, for anyone in the operation.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    headers_key = models.CharField(max_length=64)  # sheets.headers_key(header)
    mapping = models.JSONField(default=dict)  # sheets.Mapping.as_json
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "user", "headers_key"], name="one_mapping_per_headers"
            )
        ]
        indexes = [models.Index(fields=["operation", "headers_key"])]

    def __str__(self) -> str:
        return f"mapping {self.headers_key[:8]} of {self.user_id or 'the command line'}"
