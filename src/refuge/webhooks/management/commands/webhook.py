"""refuge webhook add USERNAME URL --event E [--event E …] [--label L]   (prints the secret once)
refuge webhook list [USERNAME] | remove ID | resume ID | deliveries ID [--limit N]

Run by the operator at the server, acting for the account (as `refuge token`): the audit
trail records the account.
"""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from refuge.api.management.commands.token import _account, _actor
from refuge.webhooks.actions import (
    SubscriptionRefused,
    deliveries_of,
    do_create_subscription,
    do_remove_subscription,
    do_resume_subscription,
)
from refuge.webhooks.models import Event, Subscription


class Command(BaseCommand):
    help = "Subscribe partners' URLs to events, list them and their deliveries, remove them."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add")
        add.add_argument("username")
        add.add_argument("url")
        add.add_argument("--event", action="append", required=True, choices=Event.values)
        add.add_argument("--label", default="")
        listing = sub.add_parser("list")
        listing.add_argument("username", nargs="?")
        remove = sub.add_parser("remove")
        remove.add_argument("id", type=int)
        resume = sub.add_parser("resume", help="send to a suspended subscription again")
        resume.add_argument("id", type=int)
        deliveries = sub.add_parser("deliveries")
        deliveries.add_argument("id", type=int)
        deliveries.add_argument("--limit", type=int, default=50)

    def handle(self, *args, **o):  # type: ignore[no-untyped-def]
        getattr(self, f"_{o['verb']}")(o)

    def _add(self, o) -> None:  # type: ignore[no-untyped-def]
        user = _account(o["username"])
        try:
            subscription, secret = do_create_subscription(
                actor=_actor(user), owner=user, url=o["url"], events=o["event"], label=o["label"]
            )
        except SubscriptionRefused as refused:
            raise CommandError(f"{refused.field}: {refused}") from None
        self.stderr.write(f"webhook {subscription.pk}: the signing secret is shown only now")
        self.stdout.write(secret)

    def _subscription(self, pk: int) -> Subscription:
        found = Subscription.objects.select_related("owner").filter(pk=pk).first()
        if found is None:
            raise CommandError(f"no webhook {pk}")
        return found

    def _list(self, o) -> None:  # type: ignore[no-untyped-def]
        live = Subscription.objects.filter(removed_at__isnull=True).select_related("owner")
        if o["username"]:
            live = live.filter(owner=_account(o["username"]))
        for s in live:
            state = f"suspended {s.suspended_at:%Y-%m-%d %H:%M}" if s.suspended_at else "live"
            self.stdout.write(
                f"{s.pk}\t{s.owner.username}\t{s.url}\t{','.join(s.events)}\t{s.label}\t{state}"
            )

    def _remove(self, o) -> None:  # type: ignore[no-untyped-def]
        subscription = self._subscription(o["id"])
        try:
            do_remove_subscription(actor=_actor(subscription.owner), subscription=subscription)
        except PermissionDenied:
            raise CommandError("not allowed") from None
        self.stdout.write(f"webhook {subscription.pk} removed")

    def _resume(self, o) -> None:  # type: ignore[no-untyped-def]
        subscription = self._subscription(o["id"])
        if subscription.removed_at is not None:
            raise CommandError(f"webhook {subscription.pk} was removed; add it again")
        do_resume_subscription(actor=_actor(subscription.owner), subscription=subscription)
        self.stdout.write(f"webhook {subscription.pk} resumed")

    def _deliveries(self, o) -> None:  # type: ignore[no-untyped-def]
        subscription = self._subscription(o["id"])
        for d in deliveries_of(subscription)[: max(1, o["limit"])]:
            tries = "; ".join(
                f"#{t.number} {t.status_code or '-'} {t.duration_ms} ms {t.error}".rstrip()
                for t in d.tries.all()
            )
            when = f"next {d.next_attempt_at:%Y-%m-%d %H:%M:%S}" if d.next_attempt_at else ""
            self.stdout.write(
                f"{d.pk}\t{d.created_at:%Y-%m-%d %H:%M:%S}\t{d.event}\t{d.state}\t"
                f"{d.attempts}\t{when}\t{tries}"
            )
