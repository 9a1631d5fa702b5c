from django.urls import path

from refuge.placement import views

urlpatterns = [
    path("", views.waiting, name="placement_waiting"),
    path("jobs/<int:pk>/", views.job, name="placement_job"),
    path("plans/<int:pk>/", views.plan, name="placement_plan"),
    path("plans/<int:pk>/accept/", views.accept, name="placement_accept"),
    path("close/", views.close, name="placement_close"),
    path("standby/", views.standby, name="placement_standby"),
    path("standby/<int:pk>/open/", views.open_standby, name="placement_open_standby"),
]
