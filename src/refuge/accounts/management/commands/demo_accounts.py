"""One account per role for the loaded operation, with fresh random passwords, printed."""

import secrets

from django.core.management.base import BaseCommand, CommandError

from refuge.accounts.actions import do_create_account
from refuge.accounts.models import Role
from refuge.registry.models import ReceptionPoint
from refuge.reports.selectors import UnknownOperation, operation_named
from refuge.shelters.models import Shelter, Status


class Command(BaseCommand):
    help = "Create (or reset) one demo account per role and print their logins."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--operation", help="slug (default: the only or latest operation)")

    def handle(self, *args, **o):  # type: ignore[no-untyped-def]
        try:
            operation = operation_named(o["operation"])
        except UnknownOperation as e:
            raise CommandError(str(e)) from e
        region = operation.affected_region
        point = ReceptionPoint.objects.filter(operation=operation, region=region).first()
        point = point or ReceptionPoint.objects.filter(operation=operation).first()
        in_region = Shelter.objects.filter(operation=operation, region=region)
        shelters = list(in_region.filter(status=Status.OPEN)[:5] or in_region[:5])
        scopes = {
            Role.NATIONAL_COORDINATOR: {},
            Role.REGIONAL_COORDINATOR: {"region": region},
            Role.REGISTRAR: {"reception_point": point},
            Role.SHELTER_MANAGER: {"shelters": shelters},
            Role.TRACING_OFFICER: {},
            Role.AUDITOR: {},
            Role.DUTY_OFFICER: {},
        }
        for role, scope in scopes.items():
            if any(v is None or v == [] for v in scope.values()):
                # An operation with no reception point or shelter (a night of incidents and
                # warnings, say) has no desk for this role: say so rather than fail the rest.
                self.stderr.write(
                    f"{role.label:22} skipped: the operation has no {next(iter(scope)).replace('_', ' ')}"
                )
                continue
            username = "demo-" + role.value.replace("_", "-")
            password = secrets.token_urlsafe(12)
            do_create_account(
                username=username, password=password, operation=operation, role=role, **scope
            )
            self.stdout.write(f"{role.label:22} {username:28} {password}")
