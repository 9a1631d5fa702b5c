"""What the API shows of subscriptions and deliveries, and reads to make one."""

from __future__ import annotations

from rest_framework import serializers

from refuge.webhooks.models import Attempt, Delivery, Event, Subscription


class SubscriptionSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))

    class Meta:
        model = Subscription
        fields = ["id", "owner", "url", "events", "label", "created_at", "suspended_at",
                  "suspended_reason"]  # fmt: skip
        read_only_fields = ["suspended_at", "suspended_reason"]


class CreatedSubscriptionSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        help_text="The signing secret: shown in this answer only, never again."
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]


class SubscriptionInSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, help_text="http:// or https://")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices), min_length=1, max_length=10
    )
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)
    owner = serializers.CharField(
        max_length=150,
        required=False,
        help_text="A national coordinator may subscribe for another account of the operation.",
    )


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["number", "at", "status_code", "error", "duration_ms"]


class DeliverySerializer(serializers.ModelSerializer):
    attempts = AttemptSerializer(source="tries", many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = ["id", "event_id", "event", "state", "created_at", "next_attempt_at",
                  "delivered_at", "attempts"]  # fmt: skip
