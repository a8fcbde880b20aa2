from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("area/<slug:slug>/", views.area, name="area"),
    path("health", views.health, name="health"),
]
