from django.urls import path

from . import views, views_supply

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
    path("supply/", views_supply.supply_log, name="supply-log"),
    path("supply/log.csv", views_supply.supply_log_csv, name="supply-log-csv"),
    path("supply/new/", views_supply.supply_new, name="supply-new"),
    path("supply/<int:supply_id>/", views_supply.supply_detail, name="supply"),
    path("supply/<int:supply_id>/deliver/", views_supply.supply_deliver, name="supply-deliver"),
    path("supply/<int:supply_id>/package/", views_supply.supply_package, name="supply-package"),
]
