"""/api/v1/webhooks/: a partner's subscriptions and their deliveries (docs/API.md)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from refuge.api.views import ApiView, Cursor
from refuge.webhooks import actions
from refuge.webhooks import serializers as s
from refuge.webhooks.models import Delivery, Subscription


class WebhookList(ApiView, generics.ListAPIView):
    """Your subscriptions (a national coordinator: every one in the operation)."""

    serializer_class = s.SubscriptionSerializer
    queryset = Subscription.objects.all()

    def get_queryset(self) -> QuerySet[Subscription]:
        return actions.subscriptions_for(self.request.actor)  # type: ignore[attr-defined]

    @extend_schema(request=s.SubscriptionInSerializer,
                   responses={201: s.CreatedSubscriptionSerializer})  # fmt: skip
    def post(self, request: Request) -> Response:
        """Subscribe a URL to events; the answer carries the signing secret, once."""
        given = s.SubscriptionInSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        actor = request.actor  # type: ignore[attr-defined]
        owner = request.user
        if data.get("owner") and data["owner"] != request.user.get_username():
            owner = get_user_model().objects.filter(username=data["owner"]).first()
            if owner is None or not actions.may_manage(actor, owner):
                raise ValidationError({"owner": [_("No such account that you may subscribe for.")]})
        try:
            subscription, secret = actions.do_create_subscription(
                actor=actor, owner=owner, url=data["url"], events=data["events"],
                label=data.get("label", ""),
            )  # fmt: skip
        except actions.SubscriptionRefused as refused:
            raise ValidationError({refused.field: [str(refused)]}) from None
        except PermissionDenied:
            raise ValidationError(
                {"owner": [_("No such account that you may subscribe for.")]}
            ) from None
        body = s.CreatedSubscriptionSerializer(subscription).data
        body["secret"] = secret
        return Response(body, status=status.HTTP_201_CREATED)


class WebhookDetail(ApiView, generics.RetrieveDestroyAPIView):
    """One subscription; DELETE stops it (its waiting deliveries are cancelled)."""

    serializer_class = s.SubscriptionSerializer
    queryset = Subscription.objects.all()

    def get_queryset(self) -> QuerySet[Subscription]:
        return actions.subscriptions_for(self.request.actor)  # type: ignore[attr-defined]

    def perform_destroy(self, instance: Subscription) -> None:
        actions.do_remove_subscription(actor=self.request.actor, subscription=instance)  # type: ignore[attr-defined]


class WebhookResume(ApiView, generics.GenericAPIView):
    """Send to a suspended subscription again, from the next event on."""

    serializer_class = s.SubscriptionSerializer
    queryset = Subscription.objects.all()

    def get_queryset(self) -> QuerySet[Subscription]:
        return actions.subscriptions_for(self.request.actor)  # type: ignore[attr-defined]

    @extend_schema(request=None, responses={200: s.SubscriptionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        subscription = self.get_object()
        actions.do_resume_subscription(actor=request.actor, subscription=subscription)  # type: ignore[attr-defined]
        return Response(s.SubscriptionSerializer(subscription).data)


class NewestFirst(Cursor):
    ordering = "-id"


class WebhookDeliveries(ApiView, generics.ListAPIView):
    """A subscription's deliveries, newest first, each with its attempts."""

    serializer_class = s.DeliverySerializer
    queryset = Delivery.objects.all()
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[Delivery]:
        mine = actions.subscriptions_for(self.request.actor)  # type: ignore[attr-defined]
        subscription = mine.filter(pk=self.kwargs["pk"]).first()
        if subscription is None:
            raise NotFound
        return actions.deliveries_of(subscription)
