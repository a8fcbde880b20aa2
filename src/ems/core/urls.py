from django.urls import path

from . import views
from .navigation import AREAS

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("health", views.health, name="health"),
    # One page per area not built yet, each behind that area's own permission.
    *[path(f"area/{a.slug}/", views.area_view(a), name=f"area-{a.slug}") for a in AREAS if a.url_name is None],
]
