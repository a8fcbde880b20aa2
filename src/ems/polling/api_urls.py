"""The polling JSON API, mounted at ``/api/`` (see ``views_api`` for who may read it)."""

from django.urls import path

from . import views_api

app_name = "polling-api"
urlpatterns = [
    path("polling/polls/", views_api.polls, name="polls"),
    path("polling/polls/<int:poll_id>/", views_api.poll, name="poll"),
]
