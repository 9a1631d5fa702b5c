from django.urls import path

from refuge.alerts import views

urlpatterns = [
    path("", views.public, name="alerts_public"),
    path("feed.atom", views.atom, name="alerts_feed"),
    path("regions.json", views.regions, name="alerts_regions"),
    path("<int:pk>/", views.detail, name="alerts_detail"),
    path("<int:pk>.xml", views.cap_xml, name="alerts_cap"),
    path("desk/", views.desk, name="alerts_desk"),
    path("desk/import/", views.upload, name="alerts_import"),
    path("desk/orders/<int:pk>/draft/", views.draft_for_order, name="alerts_draft_for_order"),
    path("desk/<int:pk>/", views.desk_alert, name="alerts_desk_alert"),
    path("desk/<int:pk>/release/", views.release, name="alerts_release"),
    path("desk/<int:pk>/followup/", views.followup, name="alerts_followup"),
]
