from django.urls import path

from refuge.reports import views

urlpatterns = [path("", views.situation, name="situation")]
