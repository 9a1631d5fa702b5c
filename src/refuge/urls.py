from django.urls import include, path

from refuge.api import health

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("alerts/", include("refuge.alerts.urls")),
    path("accounts/", include("refuge.accounts.urls")),
    path("api/", include("refuge.api.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", health.metrics, name="metrics"),
    path("audit/", include("refuge.audit.urls")),
    path("desk/", include("refuge.desks.urls")),
    path("imports/", include("refuge.fielddata.urls")),
    path("incidents/", include("refuge.incidents.urls")),
    path("placement/", include("refuge.placement.urls")),
    path("tracing/", include("refuge.tracing.urls")),
    path("", include("refuge.reports.urls")),
]
