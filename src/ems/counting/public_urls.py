from django.urls import path

from . import public_views

app_name = "results"
urlpatterns = [
    path("", public_views.results_index, name="index"),
    path("<int:election_id>/", public_views.results_group, name="election"),
    path("<int:election_id>/results.<slug:fmt>", public_views.results_group_file, name="election-file"),
    path("ballots/<int:ballot_id>/", public_views.results_ballot, name="ballot"),
    path("ballots/<int:ballot_id>/results.<slug:fmt>", public_views.results_ballot_file, name="ballot-file"),
]
