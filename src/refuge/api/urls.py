from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from refuge.api import views
from refuge.webhooks import views as webhooks

urlpatterns = [
    path("v1/regions/", views.RegionList.as_view(), name="api_regions"),
    path("v1/districts/", views.DistrictList.as_view(), name="api_districts"),
    path("v1/settlements/", views.SettlementList.as_view(), name="api_settlements"),
    path("v1/operations/", views.OperationList.as_view(), name="api_operations"),
    path("v1/shelters/", views.ShelterList.as_view(), name="api_shelters"),
    path("v1/shelters/<int:pk>/", views.ShelterDetail.as_view(), name="api_shelter"),
    path("v1/households/", views.HouseholdList.as_view(), name="api_households"),
    path("v1/households/<int:pk>/", views.HouseholdDetail.as_view(), name="api_household"),
    path("v1/ledger/", views.LedgerFeed.as_view(), name="api_ledger"),
    path("v1/sitrep/", views.SitrepView.as_view(), name="api_sitrep"),
    path("v1/open-data/<slug:table>/", views.OpenDataView.as_view(), name="api_open_data"),
    path("v1/webhooks/", webhooks.WebhookList.as_view(), name="api_webhooks"),
    path("v1/webhooks/<int:pk>/", webhooks.WebhookDetail.as_view(), name="api_webhook"),
    path(
        "v1/webhooks/<int:pk>/resume/", webhooks.WebhookResume.as_view(), name="api_webhook_resume"
    ),
    path(
        "v1/webhooks/<int:pk>/deliveries/",
        webhooks.WebhookDeliveries.as_view(),
        name="api_webhook_deliveries",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "schema/reference/",
        SpectacularRedocView.as_view(url_name="api_schema"),
        name="api_reference",
    ),  # fmt: skip
]
