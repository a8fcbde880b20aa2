from django.urls import path

from . import views, views_calendar

app_name = "elections"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.election_create, name="create"),
    path("combined/new/", views.combined_poll_create, name="combined-new"),
    path("calendar/", views_calendar.calendar, name="calendar"),
    path("calendar/add/", views_calendar.calendar_add, name="calendar-add"),
    path("calendar/<int:day_id>/remove/", views_calendar.calendar_remove, name="calendar-remove"),
    path("templates/", views.template_list, name="templates"),
    path("templates/upload/", views.template_upload, name="template-upload"),
    path("templates/default/", views.template_default, name="template-default"),
    path("<int:election_id>/", views.election_detail, name="election"),
    path("<int:election_id>/ballots/add/", views.ballot_add, name="ballot-add"),
    path(
        "<int:election_id>/timetable/recalculate/",
        views_calendar.timetable_recompute,
        name="timetable-recompute",
    ),
    path("<int:election_id>/publish-notice/", views.notice_of_election_publish, name="publish-notice"),
    path("<int:election_id>/notices/<slug:document>.<slug:fmt>", views.election_document, name="election-document"),
    path("timetable/<int:entry_id>/", views.timetable_entry, name="timetable-entry"),
    path("ballots/<int:ballot_id>/", views.ballot_detail, name="ballot"),
    path("ballots/<int:ballot_id>/nominate/", views.nominate, name="nominate"),
    path("ballots/<int:ballot_id>/close-nominations/", views.nominations_close, name="close-nominations"),
    path("ballots/<int:ballot_id>/publish-sopn/", views.sopn_publish, name="publish-sopn"),
    path("ballots/<int:ballot_id>/notices/<slug:document>.<slug:fmt>", views.ballot_document, name="ballot-document"),
    path("candidates/<int:candidate_id>/", views.candidate_detail, name="candidate"),
    path("candidates/<int:candidate_id>/papers/add/", views.paper_add, name="paper-add"),
    path("candidates/<int:candidate_id>/withdraw/", views.withdraw, name="withdraw"),
    path("candidates/<int:candidate_id>/deposit/", views.deposit, name="deposit"),
    path("candidates/<int:candidate_id>/agent/", views.agent, name="agent"),
    path("papers/<int:paper_id>/decide/", views.paper_decide, name="decide"),
    path("papers/<int:paper_id>/check-again/", views.paper_recheck, name="recheck"),
]
