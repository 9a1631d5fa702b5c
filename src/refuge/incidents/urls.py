from django.urls import path

from refuge.incidents import views

urlpatterns = [
    path("", views.log, name="incidents_log"),
    path("<int:pk>/", views.detail, name="incidents_detail"),
    path("<int:pk>/deploy/", views.deploy, name="incidents_deploy"),
    path("<int:pk>/update/", views.update, name="incidents_update"),
]
