"""refuge token create USERNAME [--expires-days N] [--service] [--label L]
refuge token revoke TOKEN_ID | refuge token list USERNAME

Run by the operator at the server, acting for the account: the audit trail records the
account with "command line" as the summary.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from refuge.accounts.models import Membership
from refuge.accounts.scope import Actor
from refuge.api.actions import MAX_DAYS, do_create_token, do_revoke_token, tokens_of
from refuge.api.models import ApiToken


def _account(username: str):  # type: ignore[no-untyped-def]
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no account named {username!r}")
    return user


def _actor(user) -> Actor:  # type: ignore[no-untyped-def]
    membership = Membership.objects.filter(user=user).order_by("-operation__started_at").first()
    return Actor(user=user, membership=membership, ip=None)


class Command(BaseCommand):
    help = "Create, revoke or list API tokens."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--expires-days", type=int, default=90)
        create.add_argument("--service", action="store_true", help="held by a partner's system")
        create.add_argument("--label", default="")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("token_id", type=int)
        listing = sub.add_parser("list")
        listing.add_argument("username")

    def handle(self, *args, **o):  # type: ignore[no-untyped-def]
        getattr(self, f"_{o['verb']}")(o)

    def _create(self, o) -> None:  # type: ignore[no-untyped-def]
        user = _account(o["username"])
        if not 1 <= o["expires_days"] <= MAX_DAYS:
            raise CommandError(f"--expires-days must be 1 to {MAX_DAYS}")
        kind = ApiToken.Kind.SERVICE if o["service"] else ApiToken.Kind.PERSONAL
        token, secret = do_create_token(
            actor=_actor(user), owner=user, days=o["expires_days"], kind=kind, label=o["label"]
        )
        self.stderr.write(f"token {token.pk}, expires {token.expires_at:%Y-%m-%d %H:%M} UTC")
        self.stdout.write(secret)

    def _revoke(self, o) -> None:  # type: ignore[no-untyped-def]
        token = ApiToken.objects.select_related("user").filter(pk=o["token_id"]).first()
        if token is None:
            raise CommandError(f"no token {o['token_id']}")
        do_revoke_token(actor=_actor(token.user), token=token)
        self.stdout.write(f"token {token.pk} revoked")

    def _list(self, o) -> None:  # type: ignore[no-untyped-def]
        for t in tokens_of(_account(o["username"])):
            state = "revoked" if t.revoked_at else f"expires {t.expires_at:%Y-%m-%d}"
            self.stdout.write(f"{t.pk}\t{t.prefix}…\t{t.kind}\t{state}\t{t.label}")
