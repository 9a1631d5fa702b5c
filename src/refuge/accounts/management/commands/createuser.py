"""refuge createuser USERNAME --role ROLE [--region CODE | --reception-point ID | --shelter ID ...]"""

import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from refuge.accounts.actions import InvalidScope, do_create_account
from refuge.accounts.models import Role
from refuge.geo.models import Region
from refuge.registry.models import ReceptionPoint
from refuge.reports.selectors import UnknownOperation, operation_named
from refuge.shelters.models import Shelter


class Command(BaseCommand):
    help = "Create a user (or reset their password) with one role in an operation."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--operation", help="slug (default: the only or latest operation)")
        parser.add_argument("--region", help="ISO 3166-2 code, for a regional coordinator")
        parser.add_argument("--reception-point", type=int, help="id, for a registrar")
        parser.add_argument("--shelter", type=int, action="append", default=[], help="id")
        parser.add_argument(
            "--password-file", help="read the password from this file (else $REFUGE_PASSWORD)"
        )

    def handle(self, *args, **o):  # type: ignore[no-untyped-def]
        try:
            operation = operation_named(o["operation"])
        except UnknownOperation as e:
            raise CommandError(str(e)) from e
        region = reception_point = None
        if o["region"]:
            region = Region.objects.filter(code=o["region"]).first()
            if region is None:
                raise CommandError(f"unknown region {o['region']!r}")
        if o["reception_point"]:
            reception_point = ReceptionPoint.objects.filter(
                pk=o["reception_point"], operation=operation
            ).first()
            if reception_point is None:
                raise CommandError(f"no reception point {o['reception_point']} in {operation.slug}")
        shelters = list(Shelter.objects.filter(pk__in=o["shelter"], operation=operation))
        if len(shelters) != len(set(o["shelter"])):
            raise CommandError(f"not all of shelters {o['shelter']} are in {operation.slug}")
        try:
            do_create_account(
                username=o["username"],
                password=self._password(o["password_file"]),
                operation=operation,
                role=o["role"],
                region=region,
                reception_point=reception_point,
                shelters=shelters,
            )
        except InvalidScope as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"{o['username']}: {o['role']} in {operation.slug}")

    def _password(self, path: str | None) -> str:
        if path:
            password = self._password_from(path)
        elif os.environ.get("REFUGE_PASSWORD"):
            password = os.environ["REFUGE_PASSWORD"]
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the passwords differ")
        if len(password) < 10:
            raise CommandError("the password needs at least 10 characters")
        return password

    @staticmethod
    def _password_from(path: str) -> str:
        try:
            with open(path, "rb") as f:
                raw = f.read(4097)  # a password is short; never read a whole large file
            if len(raw) > 4096:
                raise CommandError(f"--password-file {path}: longer than 4,096 bytes")
            return raw.decode("utf-8").strip()
        except OSError as e:
            raise CommandError(f"--password-file {path}: cannot be read ({e.strerror})") from None
        except UnicodeDecodeError:
            raise CommandError(f"--password-file {path}: is not UTF-8 text") from None
