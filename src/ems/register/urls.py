from django.urls import path

from . import views

app_name = "register"
urlpatterns = [
    path("", views.register_home, name="home"),
    path("search/", views.register_search, name="search"),
    path("electors/<int:elector_id>/", views.elector_detail, name="elector"),
    path("electors/<int:elector_id>/amend/", views.elector_amend, name="elector-amend"),
    path("electors/<int:elector_id>/delete/", views.elector_delete, name="elector-delete"),
    path("properties/<int:property_id>/", views.property_detail, name="property"),
    path("properties/<int:property_id>/add-elector/", views.elector_add, name="elector-add"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("notices/<int:notice_id>/publish/", views.notice_publish, name="notice-publish"),
    path("bulk/", views.bulk_start, name="bulk"),
    path("bulk/preview/", views.bulk_preview, name="bulk-preview"),
]
