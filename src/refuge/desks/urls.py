from django.urls import path

from refuge.desks import views

urlpatterns = [
    path("", views.home, name="desk_home"),
    path("register/", views.register, name="desk_register"),
    path("households/", views.households, name="desk_households"),
    path("households/export.<str:fmt>", views.households_export, name="desk_households_export"),
    path("exports/<int:pk>/", views.export_job, name="desk_export_job"),
    path("exports/<int:pk>/file", views.export_file, name="desk_export_file"),
    path("households/<int:pk>/", views.household, name="desk_household"),
    path("search/", views.search, name="desk_search"),
    path("shelters/", views.shelters, name="desk_shelters"),
    path("shelters/export.<str:fmt>", views.shelters_export, name="desk_shelters_export"),
    path("map/", views.shelter_map, name="desk_map"),
    path("map/data.geojson", views.shelter_map_data, name="desk_map_data"),
    path("shelters/<int:pk>/", views.shelter_desk, name="desk_shelter"),
    path("shelters/<int:pk>/check-in/", views.check_in, name="desk_check_in"),
    path("shelters/<int:pk>/check-out/", views.check_out, name="desk_check_out"),
    path("shelters/<int:pk>/status/", views.change_status, name="desk_shelter_status"),
    path("regions/<str:code>/", views.region, name="desk_region"),
]
