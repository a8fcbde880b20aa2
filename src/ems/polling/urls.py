from django.urls import path

from . import views

app_name = "polling"
urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.poll_open, name="open"),
    path("<int:poll_id>/", views.poll_detail, name="poll"),
    path("<int:poll_id>/eligibility/", views.run_start, name="run-start"),
    path("<int:poll_id>/late-entries/", views.late_entries, name="late-entries"),
    path("<int:poll_id>/stations/", views.stations, name="stations"),
    path("<int:poll_id>/stations/allot/", views.allocate, name="allocate"),
    path("<int:poll_id>/ballot-papers/", views.ballot_papers, name="ballot-papers"),
    path("<int:poll_id>/packs/", views.packs, name="packs"),
    path("<int:poll_id>/poll-cards/", views.poll_cards, name="poll-cards"),
    path("<int:poll_id>/democracy-club.tsv", views.democracy_club_export, name="dc-export"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/sign-off/", views.run_sign_off, name="sign-off"),
    path("allotments/<int:allocation_id>/remove/", views.allocation_remove, name="allocation-remove"),
    path("stations/<int:station_id>/", views.station_detail, name="station"),
    path("stations/<int:station_id>/edit/", views.station_edit, name="station-edit"),
]
