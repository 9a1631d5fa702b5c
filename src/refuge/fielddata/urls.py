from django.urls import path

from refuge.fielddata import views

urlpatterns = [
    path("", views.upload, name="imports_upload"),
    path("apply/", views.apply, name="imports_apply"),
    path("report/", views.report, name="imports_report"),
    path("jobs/<int:pk>/", views.job, name="imports_job"),
]
