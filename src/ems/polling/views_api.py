"""The JSON API of polls: their ballots and polling stations.

Access: ``VIEW_ELECTIONS``, scoped to the user's authority, like every page. Station addresses
and ballots become public in the notice of poll, but before it they are the council's working
arrangements (stations change, ballots are withdrawn when uncontested), and the app does not
record per poll when that notice is published; the public route to "where do I vote" is
Democracy Club's WhereDoIVote, which takes our Democracy Club export. A public read-only API
can be added once publication of the notice of poll is recorded (see ADR 0023).
No elector data is ever in these responses: counts only.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from ems.accounts.decorators import permission_required
from ems.accounts.roles import Permission

from . import law, selectors
from .models import Poll


def _poll_summary(poll: Poll) -> dict[str, Any]:
    return {
        "id": poll.pk,
        "name": poll.name,
        "poll_date": poll.poll_date.isoformat(),
        "combined": poll.is_combined,
        "url": f"/api/polling/polls/{poll.pk}/",
    }


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def polls(request: HttpRequest) -> JsonResponse:
    found = selectors.polls_for_user(request.user).order_by("-poll_date", "name")[:200]
    return JsonResponse({"polls": [_poll_summary(p) for p in found]})


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def poll(request: HttpRequest, poll_id: int) -> JsonResponse:
    poll = selectors.poll_for_user(request.user, poll_id)
    status = selectors.production_run(poll)
    run = status.run
    electorate = {b.ballot_id: b.eligible for b in selectors.run_ballots(run)} if run is not None else {}
    ballots = [
        {
            "ballot_paper_id": b.dc_ballot_id,
            "title": b.title,
            "election_id": b.group.dc_group_id,
            "election": b.group.name,
            "seats": b.seats,
            "voting_system": b.voting_system,
            "status": b.status,
            "uncontested": b.uncontested,
            "area": b.area.name if b.area else None,
            "electorate": electorate.get(b.pk),
        }
        for b in poll.ballots()
    ]
    rows = selectors.station_rows(poll, run)
    stations = []
    for row in rows:
        place = row.station.place
        stations.append(
            {
                "id": row.station.code,
                "number": row.station.number,
                "name": place.name,
                "address": place.address_lines,
                "postcode": place.postcode,
                "uprn": place.uprn,
                "location": (
                    {"latitude": place.latitude, "longitude": place.longitude}
                    if place.latitude is not None and place.longitude is not None
                    else None
                ),
                "districts": [
                    {
                        "code": a.district.code,
                        "name": a.district.name,
                        "elector_numbers": [a.from_number, a.to_number] if a.from_number is not None else None,
                    }
                    for a in row.allocations
                ],
                "electorate": row.electors if run is not None else None,
                "postal_voters": row.postal if run is not None else None,
                "recommended_staff": (
                    {"presiding_officers": row.advice.presiding_officers, "poll_clerks": row.advice.poll_clerks}
                    if row.advice
                    else None
                ),
                "step_free": row.details.step_free if row.details else None,
            }
        )
    return JsonResponse(
        {
            **_poll_summary(poll),
            "eligibility": {
                "signed_off_run": run.number if run is not None else None,
                "usable": status.ok,
                "problem": status.problem or None,
            },
            "ballots": ballots,
            "stations": stations,
            "staffing_source": law.staffing_guidance(poll.poll_date).source,
        }
    )
