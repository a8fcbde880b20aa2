"""The public results: declared ballots only, no sign-in, never any elector data.

Each page and file shows what the declaration of result published (elections.md §7.3, §11):
the candidates with their parties and votes, who was elected, the rejected ballot papers under
each head, the electorate figure and turnout both ways. A ballot not yet declared, or an
election with no declared ballot, is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ems.accounts.decorators import public

from . import documents, selectors

FILE_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _context(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": title, "current": "", **extra}


@public
@require_GET
def results_index(request: HttpRequest) -> HttpResponse:
    groups = list(selectors.declared_groups()[:200])
    return render(request, "counting/public_index.html", _context(_("Election results"), groups=groups))


@public
@require_GET
def results_group(request: HttpRequest, election_id: int) -> HttpResponse:
    group, ballots = selectors.public_group(election_id)
    rows = [{"ballot": b, "result": selectors.public_result(b, declaration)} for b, declaration in ballots]
    return render(request, "counting/public_group.html", _context(group.name, group=group, rows=rows))


@public
@require_GET
def results_group_file(request: HttpRequest, election_id: int, fmt: str) -> HttpResponse:
    if fmt not in FILE_TYPES:
        raise Http404("No such file")
    group, ballots = selectors.public_group(election_id)
    results = [selectors.public_result(b, declaration) for b, declaration in ballots]
    body = (
        documents.results_csv(results)
        if fmt == "csv"
        else documents.results_json(
            {
                "election": group.name,
                "election_id": group.dc_group_id,
                "council": group.authority.name,
                "election_date": group.poll_date.isoformat(),
                "ballots": results,
            }
        )
    )
    return _file(body, fmt, f"results-{group.dc_group_id}.{fmt}")


@public
@require_GET
def results_ballot(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot, declaration = selectors.public_ballot(ballot_id)
    result = selectors.public_result(ballot, declaration)
    return render(request, "counting/public_ballot.html", _context(result["ballot"], ballot=ballot, result=result))


@public
@require_GET
def results_ballot_file(request: HttpRequest, ballot_id: int, fmt: str) -> HttpResponse:
    if fmt not in FILE_TYPES:
        raise Http404("No such file")
    ballot, declaration = selectors.public_ballot(ballot_id)
    result = selectors.public_result(ballot, declaration)
    body = documents.results_csv([result]) if fmt == "csv" else documents.results_json(result)
    return _file(body, fmt, f"results-{ballot.dc_ballot_id}.{fmt}")


def _file(body: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=FILE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
