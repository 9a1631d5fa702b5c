"""Who looked at or changed which personal record, when, from where.

The summary never holds a name, a phone number or a birth date: the trail itself
must be safe to show an auditor who has no right to personal data.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        # Labels as Django would derive them (no migration), translated in context.
        VIEW_PERSON = "view_person", pgettext_lazy("audit action", "View Person")
        VIEW_HOUSEHOLD = "view_household", pgettext_lazy("audit action", "View Household")
        SEARCH = "search", pgettext_lazy("audit action", "Search")
        CREATE = "create", pgettext_lazy("audit action", "Create")
        CHANGE = "change", pgettext_lazy("audit action", "Change")
        EXPORT = "export", pgettext_lazy("audit action", "Export")
        LOGIN = "login", pgettext_lazy("audit action", "Login")
        LOGIN_FAILED = "login_failed", pgettext_lazy("audit action", "Login Failed")
        # asked for a record outside the user's scope
        DENIED = "denied", pgettext_lazy("audit action", "Denied")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=24, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "at"]), models.Index(fields=["action", "at"])]

    @property
    def role_label(self) -> str:
        """The role in the reader's language; the stored code for a role since retired."""
        from refuge.accounts.models import Role

        return str(dict(Role.choices).get(self.role, self.role))
