from django.urls import path

from refuge.fielddata import list_views, views

urlpatterns = [
    path("", views.upload, name="imports_upload"),
    path("apply/", views.apply, name="imports_apply"),
    path("report/", views.report, name="imports_report"),
    path("jobs/<int:pk>/", views.job, name="imports_job"),
    path("list/<str:sha>/", list_views.mapping, name="imports_list"),
    path("list/<str:sha>/apply/", list_views.apply, name="imports_list_apply"),
]
