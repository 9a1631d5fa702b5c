"""The partners' API, /api/v1/. Views parse and authorise; scoped reads come from the
selectors the desks use (accounts/scope.py), and every read of personal data is audited
like a page view. Lists are paged by cursor (keyset on the ordering, ending with the id),
so paging through millions of ledger events costs the same on the last page as the first.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from refuge.accounts.models import Role
from refuge.accounts.scope import actor_for, households_for, shelters_for
from refuge.api import hxl
from refuge.api import serializers as s
from refuge.api.pages import KeysetCursor
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.desks.selectors import household_for
from refuge.geo.models import District, Region, Settlement
from refuge.movements.models import Movement
from refuge.movements.selectors import first_id_recorded_since
from refuge.operations.models import Operation
from refuge.registry.models import Household
from refuge.reports.selectors import sitrep
from refuge.shelters.models import Shelter

A = AuditEvent.Action
R = Role
EVERY_ROLE = tuple(R.values)
READS_HOUSEHOLDS = (R.NATIONAL_COORDINATOR, R.REGIONAL_COORDINATOR, R.REGISTRAR,
                    R.SHELTER_MANAGER, R.TRACING_OFFICER)  # fmt: skip
READS_SHELTERS = (R.NATIONAL_COORDINATOR, R.REGIONAL_COORDINATOR, R.SHELTER_MANAGER)


class Cursor(KeysetCursor):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class HasRole(permissions.BasePermission):
    """Signed in (token or session) with one of the view's `roles`; sets `request.actor`."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        actor = actor_for(request)  # type: ignore[arg-type]
        request.actor = actor  # type: ignore[attr-defined]
        return actor.has_role(*view.roles)


class ApiView:
    roles: tuple[str, ...] = EVERY_ROLE
    permission_classes = [HasRole]
    pagination_class = Cursor

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        # The view is in a reference cycle with its request, so what it holds waits for
        # the garbage collector rather than going when the request is done. It held the
        # response (megabytes for every shelter at once) and, through its paginator, the
        # page's rows: every shelter at once left ~6,000 row tuples to the collector, a
        # full collection one request in ten at ~30 ms (docs/PERFORMANCE.md). The answer
        # is written by now; let both go with the request.
        self.response = None
        paginator = getattr(self, "_paginator", None)
        if paginator is not None and hasattr(paginator, "page"):
            paginator.page = None
        if hasattr(response, "add_post_render_callback"):  # DRF's Response, rendered later
            response.add_post_render_callback(_unlink_from_itself)
        return response


def _unlink_from_itself(response: Any) -> None:
    """Once written, a DRF response no longer needs the `renderer_context["response"]`
    that points back at it (a cycle of its own)."""
    context = getattr(response, "renderer_context", None)
    if isinstance(context, dict):
        context.pop("response", None)


def _query(request: Request, reader: type[serializers.Serializer]) -> dict[str, Any]:
    """The query parameters as `reader` reads them; 400 naming the parameter otherwise."""
    given = {k: v for k, v in request.query_params.items() if k in reader().fields and v != ""}
    query = reader(data=given)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


@extend_schema(parameters=[s.RegionQuery])
class RegionList(ApiView, generics.ListAPIView):
    serializer_class = s.RegionSerializer
    queryset = Region.objects.all()
    filter_backends = [OrderingFilter]
    ordering_fields = ["id", "code"]

    def get_queryset(self) -> QuerySet[Region]:
        q, qs = _query(self.request, s.RegionQuery), Region.objects.all()
        if "country" in q:
            qs = qs.filter(country=q["country"].upper())
        return qs


@extend_schema(parameters=[s.DistrictQuery])
class DistrictList(ApiView, generics.ListAPIView):
    serializer_class = s.DistrictSerializer
    queryset = District.objects.all()

    def get_queryset(self) -> QuerySet[District]:
        q, qs = _query(self.request, s.DistrictQuery), District.objects.all()
        if "region" in q:
            qs = qs.filter(region__code=q["region"])
        return qs


@extend_schema(parameters=[s.SettlementQuery])
class SettlementList(ApiView, generics.ListAPIView):
    serializer_class = s.SettlementSerializer
    queryset = Settlement.objects.all()

    def get_queryset(self) -> QuerySet[Settlement]:
        q, qs = _query(self.request, s.SettlementQuery), Settlement.objects.all()
        if "district" in q:
            qs = qs.filter(district_id=q["district"])
        if name := q.get("name", "").strip():
            qs = qs.filter(
                Q(name_en__istartswith=name) | Q(name_ru__istartswith=name)
                | Q(name_uk__istartswith=name)
            )  # fmt: skip
        return qs


class OperationList(ApiView, generics.ListAPIView):
    """The operation the token's account works in, with its evacuation orders."""

    serializer_class = s.OperationSerializer
    queryset = Operation.objects.all()

    def get_queryset(self) -> QuerySet[Operation]:
        m = self.request.actor.membership  # type: ignore[attr-defined]
        return Operation.objects.filter(pk=m.operation_id).prefetch_related(
            "orders__districts", "orders__settlements"
        )


class ShelterCursor(Cursor):
    """Every shelter of an operation fits in one page: 5,940 in the scenario at scale 10."""

    max_page_size = 10_000
    page_size_query_description = (
        "Number of results to return per page: at most 10000 (a larger number gives 10000), "
        "so one request may ask for every shelter in scope."
    )

    def fetch(self, queryset: QuerySet[Any]) -> list[Any]:
        if connection.vendor == "postgresql":  # each row's JSON text (ShelterList)
            return s.json_texts(queryset)
        return super().fetch(queryset)


@extend_schema(parameters=[s.ShelterQuery])
class ShelterList(ApiView, generics.ListAPIView):
    """Shelters in the account's scope with live occupancy and reserved places."""

    roles = READS_SHELTERS
    serializer_class = s.ShelterSerializer
    queryset = Shelter.objects.all()  # for the schema; the rows come from shelters_for
    filter_backends = [OrderingFilter]
    ordering_fields = ["id", "name", "capacity", "occupancy"]
    pagination_class = ShelterCursor
    renderer_classes = [s.RowsJSONRenderer]

    def get_queryset(self) -> QuerySet[Shelter]:
        q = _query(self.request, s.ShelterQuery)
        qs = shelters_for(self.request.actor)  # type: ignore[attr-defined]
        if "status" in q:
            qs = qs.filter(status=q["status"])
        if "region" in q:
            qs = qs.filter(region__code=q["region"])
        # One query for the page, occupancy from the shelters' counters. On PostgreSQL
        # the database writes each row's JSON (every shelter at once is 6,000 rows,
        # list() below); elsewhere plain values, written row by row by s.RowsSerializer.
        if connection.vendor == "postgresql":
            return qs.annotate(as_json=s.ShelterSerializer.json_object())
        return qs.values(*s.ShelterSerializer.VALUES)  # type: ignore[return-value]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        qs = self.filter_queryset(self.get_queryset())
        if connection.vendor != "postgresql":
            page = self.paginate_queryset(qs)
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        # Each row's JSON text alone: the cursor reads the position of a page's two ends
        # from theirs (every field of `ordering_fields` is in the object).
        page = self.paginate_queryset(qs.values_list("as_json", flat=True))
        assert page is not None  # always paged (ShelterCursor)
        return self.get_paginated_response(s.RawRows(page))


class ShelterDetail(ApiView, generics.RetrieveAPIView):
    """One shelter with its status and capacity history."""

    roles = READS_SHELTERS
    serializer_class = s.ShelterDetailSerializer
    queryset = Shelter.objects.all()

    def get_queryset(self) -> QuerySet[Shelter]:
        return (
            shelters_for(self.request.actor)  # type: ignore[attr-defined]
            .select_related("region")
            .prefetch_related("changes")
        )


class HouseholdList(ApiView, generics.ListAPIView):
    """Households in the account's scope, exactly as the desks scope them; audited."""

    serializer_class = s.HouseholdSerializer
    queryset = Household.objects.all()

    @property
    def roles(self) -> tuple[str, ...]:  # type: ignore[override]
        # Registering is the desk's: a registrar, at their reception point.
        return (R.REGISTRAR,) if self.request.method == "POST" else READS_HOUSEHOLDS

    @extend_schema(parameters=[s.HouseholdQuery])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "Idempotency-Key", OpenApiTypes.UUID, OpenApiParameter.HEADER, required=True,
                description="A new UUID per household: a replay with the same body answers "
                "the first answer again (Idempotent-Replayed: true); another body, 422.",
            )
        ],
        request=s.RegistrationInSerializer,
        responses={201: s.RegisteredSerializer, 409: OpenApiTypes.OBJECT,
                   422: OpenApiTypes.OBJECT},
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        """Register a household at your reception point (registrars), as the desk does."""
        from refuge.api.registration import register

        return register(request, request.actor)  # type: ignore[attr-defined]

    def get_queryset(self) -> QuerySet[Household]:
        q = _query(self.request, s.HouseholdQuery)
        qs = households_for(self.request.actor).prefetch_related("members")  # type: ignore[attr-defined]
        if "since" in q:
            qs = qs.filter(registered_at__gte=q["since"])
        if "reception_point" in q:
            qs = qs.filter(reception_point_id=q["reception_point"])
        if "destination" in q:
            qs = qs.filter(destination=q["destination"])
        return qs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        shown = len(response.data["results"])
        do_record(actor=request.actor, action=A.VIEW_HOUSEHOLD, object_type="household",  # type: ignore[attr-defined]
                  summary=f"api list: {shown} households")  # fmt: skip
        return response


class HouseholdDetail(ApiView, generics.RetrieveAPIView):
    roles = READS_HOUSEHOLDS
    serializer_class = s.HouseholdSerializer
    queryset = Household.objects.all()

    def get_object(self) -> Household:
        # household_for raises OutOfScope (404) and writes the view or the denial to the audit.
        return household_for(self.request.actor, self.kwargs["pk"])  # type: ignore[attr-defined]


@extend_schema(parameters=[s.LedgerQuery])
class LedgerFeed(ApiView, generics.ListAPIView):
    """The ledger as recorded, in the order it was written: people appear by id only."""

    roles = (R.NATIONAL_COORDINATOR,)
    serializer_class = s.MovementSerializer
    queryset = Movement.objects.all()

    def get_queryset(self) -> QuerySet[Movement]:
        q = _query(self.request, s.LedgerQuery)
        m = self.request.actor.membership  # type: ignore[attr-defined]
        qs = Movement.objects.filter(operation_id=m.operation_id)
        if "since" in q:
            first = first_id_recorded_since(m.operation_id, q["since"])
            if first is None:
                return qs.none()  # type: ignore[return-value]
            # The feed walks its (operation, id) index from the first id instead of from
            # the start of the ledger, filtering `recorded_at` on the way as before.
            qs = qs.filter(id__gte=first, recorded_at__gte=q["since"])
        if "kind" in q:
            qs = qs.filter(kind=q["kind"])
        if "shelter" in q:
            qs = qs.filter(shelter_id=q["shelter"])
        # Plain values, written row by row by s.RowsSerializer: serialising model
        # instances field by field was most of a page's time.
        return qs.values(*s.MovementSerializer.VALUES)  # type: ignore[return-value]


class SitrepView(ApiView, APIView):
    """The situation report as of any time (default now): aggregate figures only."""

    @extend_schema(parameters=[s.SitrepQuery], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        as_of = _query(request, s.SitrepQuery).get("as_of") or timezone.now()
        operation = request.actor.membership.operation  # type: ignore[attr-defined]
        return Response(sitrep(operation, as_of).as_json())


class HxlRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "hxl"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        table = (data["headers"], data["hashtags"], data["rows"])
        return hxl.as_csv(table).encode()


class OpenDataView(ApiView, APIView):
    """Open data, aggregated (no personal data): `?format=hxl` gives HXL-tagged CSV to save."""

    renderer_classes = [JSONRenderer, HxlRenderer]
    serializer_class = s.OpenDataSerializer
    metadata_class = None  # OPTIONS is 405 here: its description has no CSV form

    @extend_schema(
        parameters=[
            s.SitrepQuery,
            OpenApiParameter("table", str, OpenApiParameter.PATH, enum=sorted(hxl.TABLES)),
        ],
        responses={
            (200, "application/json"): s.OpenDataSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
        },
    )
    def handle_exception(self, exc: Exception) -> Response:
        # A refusal is said in JSON even when CSV was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def get(self, request: Request, table: str) -> Response:
        if table not in hxl.TABLES:
            raise NotFound(table)
        as_of = _query(request, s.SitrepQuery).get("as_of") or timezone.now()
        operation = request.actor.membership.operation  # type: ignore[attr-defined]
        headers, hashtags, rows = hxl.TABLES[table](operation, as_of)
        body = {"headers": headers, "hashtags": hashtags, "rows": rows}
        response = Response(body)
        if request.accepted_renderer.format == "hxl":
            name = f"{operation.slug}-{table}-{as_of:%Y%m%dT%H%M}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
