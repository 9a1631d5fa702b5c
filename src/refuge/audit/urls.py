from django.urls import path

from refuge.audit import views

urlpatterns = [path("", views.trail, name="audit_trail")]
