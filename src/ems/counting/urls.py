from django.urls import path

from . import views

app_name = "counting"
urlpatterns = [
    path("", views.home, name="home"),
    path("ballots/<int:ballot_id>/", views.ballot_detail, name="ballot"),
    path("ballots/<int:ballot_id>/boxes/add/", views.box_add, name="box-add"),
    path("ballots/<int:ballot_id>/electorate/", views.electorate, name="electorate"),
    path("ballots/<int:ballot_id>/verification/", views.verification, name="verification"),
    path("ballots/<int:ballot_id>/verification/finalise/", views.verification_finalise, name="finalise"),
    path("ballots/<int:ballot_id>/verification.<slug:fmt>", views.verification_document, name="verification-file"),
    path("ballots/<int:ballot_id>/count/", views.count_entry, name="count"),
    path("ballots/<int:ballot_id>/doubtful/", views.doubtful, name="doubtful"),
    path("ballots/<int:ballot_id>/provisional/", views.provisional, name="provisional"),
    path("ballots/<int:ballot_id>/recount/", views.recount_request, name="recount"),
    path("ballots/<int:ballot_id>/recount/decide/", views.recount_decide, name="recount-decide"),
    path("ballots/<int:ballot_id>/lot/", views.lot, name="lot"),
    path("ballots/<int:ballot_id>/declare/", views.declare, name="declare"),
    path("ballots/<int:ballot_id>/declaration.<slug:fmt>", views.declaration_document, name="declaration-file"),
    path("ballots/<int:ballot_id>/spending/", views.spending, name="spending"),
    path("ballots/<int:ballot_id>/spending/limits/", views.spending_limits, name="spending-limits"),
    path("ballots/<int:ballot_id>/spending/inspection/", views.inspection, name="inspection"),
    path("boxes/<int:box_id>/", views.box_detail, name="box"),
    path("boxes/<int:box_id>/resolve/", views.variance_resolve, name="resolve"),
    path("candidates/<int:candidate_id>/return/", views.expense_return, name="return"),
]
