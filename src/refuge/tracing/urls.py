from django.urls import path

from refuge.tracing import views

urlpatterns = [
    path("", views.queue, name="tracing_queue"),
    path("pairs/<int:pk>/", views.pair, name="tracing_pair"),
    path("pairs/<int:pk>/decide/", views.decide, name="tracing_decide"),
    path("pairs/<int:pk>/household/", views.merge_household, name="tracing_merge_household"),
    path("merges/<int:pk>/undo/", views.undo_merge, name="tracing_undo_merge"),
    path("enquiries/", views.enquiries, name="tracing_enquiries"),
    path("enquiries/reference/", views.enquiry_by_reference, name="tracing_enquiry_by_reference"),
    path("enquiries/<int:pk>/", views.enquiry, name="tracing_enquiry"),
    path("enquiries/<int:pk>/resolve/", views.resolve, name="tracing_resolve"),
    path("find/", views.find, name="tracing_find"),
]
