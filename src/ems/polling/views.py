"""The polling pages: eligibility runs and their sign-off, late entries, stations, ballot paper
numbers, packs, poll cards and the Democracy Club export.

Reads need ``VIEW_ELECTIONS``; arranging the poll (runs, stations, numbers, packs, cards)
``MANAGE_ELECTIONS``; signing off eligibility ``SIGN_OFF_ELECTIONS``. Every record is looked up
within the user's authority (another authority's id is a 404). A form with errors, or a service
refusing, shows the GOV.UK error summary and writes nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ems.accounts.decorators import has_permission as _can
from ems.accounts.decorators import permission_required
from ems.accounts.roles import Permission
from ems.core.forms import add_service_errors as _service_error
from ems.core.forms import bound_errors as _errors
from ems.core.forms import field_error, field_value
from ems.core.forms import post_data as _data

from . import exports, law, mapping, selectors, services
from .forms import AllocationForm, ConfirmForm, LateEntryForm, PollCardsForm, SignOffForm, StationDetailsForm
from .models import ChangeKind, Poll, RunState


def _context(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": title, "current": "polling", "field_error": field_error, "field_value": field_value, **extra}


def _int(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _money(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


# ---- home and the poll -------------------------------------------------------------------------------


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    data = selectors.polling_home_for_user(request.user)
    return render(
        request,
        "polling/home.html",
        _context(_("Polling stations and eligibility"), can_manage=_can(request, Permission.MANAGE_ELECTIONS), **data),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def poll_open(request: HttpRequest) -> HttpResponse:
    """Begin the polling arrangements of an election (``?election=``) or a combined poll (``?combined=``)."""
    user: Any = request.user
    source = request.POST if request.method == "POST" else request.GET
    election_id, combined_id = _int(source.get("election")), _int(source.get("combined"))
    group = selectors.election_for_user(user, election_id) if election_id else None
    combined = selectors.combined_for_user(user, combined_id) if combined_id and not group else None
    if group is None and combined is None:
        return redirect("polling:home")  # nothing chosen: choose from the list
    existing = selectors.poll_of_election(group) if group else selectors.poll_of_combined(combined)  # type: ignore[arg-type]
    if existing is not None:
        return redirect("polling:poll", existing.pk)
    form = ConfirmForm(data=_data(request))
    if form.is_bound and form.is_valid():
        try:
            poll = services.poll_open(acting_user=user, authority=user.authority, group=group, combined=combined)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Polling arrangements started for %(name)s") % {"name": poll.name})
            return redirect("polling:poll", poll.pk)
    record: Any = group or combined
    return render(
        request,
        "polling/confirm.html",
        _context(
            _("Start the polling arrangements"),
            caption=record.name,
            form=form,
            error_list=_errors(form),
            explain=_(
                "This sets up eligibility runs, polling stations, ballot paper numbers, packs and poll cards for "
                "%(name)s (polling day %(day)s)."
            )
            % {"name": record.name, "day": record.poll_date.strftime("%-d %B %Y")},
            hidden={"election": election_id} if group else {"combined": combined_id},
            button=_("Start"),
            back=("polling:home", []),
        ),
    )


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def poll_detail(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = selectors.poll_for_user(request.user, poll_id)
    status = selectors.production_run(poll)
    latest = selectors.latest_run(poll)
    signed = selectors.latest_signed_off(poll)
    return render(
        request,
        "polling/poll.html",
        _context(
            poll.name,
            poll=poll,
            ballots=list(poll.ballots()),
            freezes=selectors.poll_freeze(poll),
            status=status,
            latest=latest,
            signed=signed,
            runs=list(selectors.runs_of(poll).order_by("-number")[:10]),
            late_entries=selectors.late_entries_of(poll).count(),
            allocations=len(selectors.allocations_of(poll)),
            unallocated=selectors.unallocated_districts(poll),
            ranges=len(selectors.ranges_of(poll)),
            card_problems=selectors.poll_card_problems(poll),
            can_manage=_can(request, Permission.MANAGE_ELECTIONS),
            can_sign=_can(request, Permission.SIGN_OFF_ELECTIONS),
        ),
    )


# ---- eligibility ---------------------------------------------------------------------------------------


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def run_start(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = selectors.poll_for_user(request.user, poll_id)
    form = ConfirmForm(data=_data(request))
    if form.is_bound and form.is_valid():
        try:
            run = services.eligibility_run_start(acting_user=request.user, poll=poll)  # type: ignore[arg-type]
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Eligibility run %(n)s started") % {"n": run.number})
            return redirect("polling:run", run.pk)
    return render(
        request,
        "polling/confirm.html",
        _context(
            _("Run the eligibility check"),
            caption=poll.name,
            form=form,
            error_list=_errors(form),
            explain=_(
                "Every elector of each ballot's area is checked against the register in force at the registration "
                "deadline, the franchise markers, age on polling day, special category declarations and late "
                "entries. The result must then be reviewed and signed off."
            ),
            button=_("Run the eligibility check"),
            back=("polling:poll", [poll.pk]),
        ),
    )


def _query(request: HttpRequest, **changes: Any) -> str:
    params = {k: v for k, v in request.GET.items() if k in ("ballot", "change", "reason", "changes_page", "page")}
    params.update({k: str(v) for k, v in changes.items() if v not in (None, "")})
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
    return "?" + urlencode(params)


def _pager(request: HttpRequest, found: dict[str, Any], name: str) -> dict[str, Any]:
    pager: dict[str, Any] = {"page": found["page"], "pages": found["pages"], "total": found["total"]}
    if found["page"] > 1:
        pager["previous"] = _query(request, **{name: found["page"] - 1})
    if found["page"] < found["pages"]:
        pager["next"] = _query(request, **{name: found["page"] + 1})
    return pager


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """The preview: counts per ballot, the post-deadline exclusions, and the changes since the
    last signed-off run, each paginated with the reason."""
    run = selectors.run_for_user(request.user, run_id)
    ballots = selectors.run_ballots(run)
    ballot_ids = {b.ballot_id for b in ballots}
    ballot = _int(request.GET.get("ballot"))
    ballot = ballot if ballot in ballot_ids else None
    change = request.GET.get("change") if request.GET.get("change") in ChangeKind.values else None
    reason = request.GET.get("reason") if request.GET.get("reason") in law.REASON_CODES else None
    titles = {b.ballot_id: b.ballot.title for b in ballots}
    changes = selectors.run_changes(run, ballot, change, request.GET.get("changes_page"))
    excluded = selectors.run_exclusions(run, ballot, reason, request.GET.get("page"))
    stale = selectors.run_staleness(run) if run.state in (RunState.READY, RunState.SIGNED_OFF) else []
    later = selectors.runs_of(run.poll).filter(number__gt=run.number).exclude(state=RunState.FAILED).first()
    after_deadline = sum(b.after_deadline for b in ballots)
    return render(
        request,
        "polling/run.html",
        _context(
            _("Eligibility run %(n)s") % {"n": run.number},
            run=run,
            poll=run.poll,
            ballots=ballots,
            titles=titles,
            chosen_ballot=ballot,
            chosen_change=change,
            chosen_reason=reason,
            reasons=[(code, law.REASON_LABELS[code]) for code in law.REASON_CODES if code != "eligible"],
            changes=changes,
            changes_pager=_pager(request, changes, "changes_page"),
            excluded=excluded,
            excluded_pager=_pager(request, excluded, "page"),
            stale=stale,
            later=later,
            after_deadline=after_deadline,
            after_deadline_href=_query(request, reason="added_after_registration_deadline", page=None) + "#excluded",
            can_sign=_can(request, Permission.SIGN_OFF_ELECTIONS),
            change_labels=dict(ChangeKind.choices),
            job=run.job,
        ),
    )


@permission_required(Permission.SIGN_OFF_ELECTIONS)
@require_http_methods(["GET", "POST"])
def run_sign_off(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.run_for_user(request.user, run_id)
    ballots = selectors.run_ballots(run)
    form = SignOffForm(data=_data(request))
    blocked = ""
    if run.state == RunState.SIGNED_OFF:
        blocked = _("This run is already signed off.")
    elif run.state != RunState.READY:
        blocked = _("Only a finished run can be signed off: this one is %(state)s.") % {
            "state": run.get_state_display().lower()
        }
    if not blocked and form.is_bound and form.is_valid():
        try:
            services.eligibility_run_sign_off(
                acting_user=request.user,  # type: ignore[arg-type]
                run=run,
                note=form.cleaned_data["note"],
                exclusions_reviewed=form.cleaned_data["exclusions_reviewed"],
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Eligibility run %(n)s is signed off") % {"n": run.number})
            return redirect("polling:run", run.pk)
    return render(
        request,
        "polling/sign_off.html",
        _context(
            _("Sign off eligibility run %(n)s") % {"n": run.number},
            run=run,
            poll=run.poll,
            ballots=ballots,
            after_deadline=sum(b.after_deadline for b in ballots),
            form=form,
            error_list=_errors(form),
            blocked=blocked,
            stale=selectors.run_staleness(run) if not blocked else [],
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def late_entries(request: HttpRequest, poll_id: int) -> HttpResponse:
    user: Any = request.user
    poll = selectors.poll_for_user(user, poll_id)
    ballots = list(poll.ballots())
    form = LateEntryForm(data=_data(request), ballots=[(str(b.pk), b.title) for b in ballots])
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        elector = selectors.elector_by_number_for_user(user, data["elector_number"])
        chosen = next((b for b in ballots if str(b.pk) == data["ballot"]), None)
        if elector is None:
            form.add_error("elector_number", _("No elector has that number in the register"))
        else:
            try:
                services.late_entry_record(
                    acting_user=user, poll=poll, elector=elector, basis=data["basis"], reference=data["reference"],
                    note=data["note"], ballot=chosen,
                )  # fmt: skip
            except ValidationError as error:
                _service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Late entry recorded for %(number)s. Run the eligibility check again to include it.")
                    % {"number": elector.elector_number_display},
                )
                return redirect("polling:late-entries", poll.pk)
    return render(
        request,
        "polling/late_entries.html",
        _context(
            _("Late entries"),
            poll=poll,
            form=form,
            error_list=_errors(form),
            entries=list(selectors.late_entries_of(poll)[:200]),
            labels=dict(law.late_basis_choices()),
        ),
    )


# ---- stations --------------------------------------------------------------------------------------------


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def stations(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = selectors.poll_for_user(request.user, poll_id)
    status = selectors.production_run(poll)
    run = status.run if status.run is not None else selectors.latest_run(poll)
    rows = selectors.station_rows(poll, run if run is not None and run.state != RunState.FAILED else None)
    return render(
        request,
        "polling/stations.html",
        _context(
            _("Polling stations"),
            poll=poll,
            rows=rows,
            run=run,
            unallocated=selectors.unallocated_districts(poll),
            svg=mapping.map_svg(selectors.station_map(poll)),
            guidance=law.staffing_guidance(poll.poll_date),
            can_manage=_can(request, Permission.MANAGE_ELECTIONS),
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, poll_id: int) -> HttpResponse:
    user: Any = request.user
    poll = selectors.poll_for_user(user, poll_id)
    districts = selectors.poll_districts(poll)
    all_stations = list(selectors.stations_for_user(user))
    form = AllocationForm(
        data=_data(request),
        initial={"district": request.GET.get("district", "")},
        districts=[(str(d.pk), f"{d.code} – {d.name}") for d in districts],
        stations=[(str(s.pk), f"{s.number or s.code} – {s.place.name}") for s in all_stations],
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        district = next(d for d in districts if str(d.pk) == data["district"])
        station = next(s for s in all_stations if str(s.pk) == data["station"])
        try:
            services.station_allocation_set(
                acting_user=user, poll=poll, district=district, station=station,
                from_number=data["from_number"], to_number=data["to_number"],
            )  # fmt: skip
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(
                request,
                _("Polling district %(d)s allotted to station %(s)s")
                % {"d": district.code, "s": station.number or station.code},
            )
            return redirect("polling:stations", poll.pk)
    return render(
        request,
        "polling/allocate.html",
        _context(
            _("Allot a polling district to a station"),
            poll=poll,
            form=form,
            error_list=_errors(form),
            allocations=selectors.allocations_of(poll),
            no_stations=not all_stations,
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def allocation_remove(request: HttpRequest, allocation_id: int) -> HttpResponse:
    allocation = selectors.allocation_for_user(request.user, allocation_id)
    form = ConfirmForm(data=_data(request))
    if form.is_bound and form.is_valid():
        poll_id = allocation.poll_id
        services.station_allocation_remove(acting_user=request.user, allocation=allocation)  # type: ignore[arg-type]
        messages.success(request, _("Allotment removed"))
        return redirect("polling:stations", poll_id)
    return render(
        request,
        "polling/confirm.html",
        _context(
            _("Remove an allotment"),
            caption=allocation.poll.name,
            form=form,
            error_list=_errors(form),
            explain=_("Polling district %(d)s will no longer be allotted to station %(s)s.")
            % {"d": allocation.district.code, "s": allocation.station.number or allocation.station.code},
            button=_("Remove"),
            back=("polling:stations", [allocation.poll_id]),
        ),
    )


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def station_detail(request: HttpRequest, station_id: int) -> HttpResponse:
    station = selectors.station_for_user(request.user, station_id)
    details = selectors.station_details_of(station)
    return render(
        request,
        "polling/station.html",
        _context(
            str(station.place.name),
            station=station,
            details=details,
            money=_money,
            can_manage=_can(request, Permission.MANAGE_ELECTIONS),
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def station_edit(request: HttpRequest, station_id: int) -> HttpResponse:
    station = selectors.station_for_user(request.user, station_id)
    details = selectors.station_details_of(station)
    initial: dict[str, Any] = {}
    if details is not None:
        initial = {name: getattr(details, name) for name in services.DETAIL_FIELDS}
        initial["hire_cost"] = f"{details.hire_cost_pence / 100:.2f}"
        initial["other_costs"] = f"{details.other_costs_pence / 100:.2f}"
    form = StationDetailsForm(data=_data(request), initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.station_details_save(acting_user=request.user, station=station, values=form.values())  # type: ignore[arg-type]
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Station details saved"))
            return redirect("polling:station", station.pk)
    return render(
        request,
        "polling/station_edit.html",
        _context(_("Station survey and details"), station=station, form=form, error_list=_errors(form)),
    )


# ---- ballot paper numbers, packs, poll cards, exports -----------------------------------------------------


def _blocked(poll: Poll) -> str:
    status = selectors.production_run(poll)
    return "" if status.ok else status.problem


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def ballot_papers(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = selectors.poll_for_user(request.user, poll_id)
    form = ConfirmForm(data=_data(request))
    blocked = _blocked(poll)
    if not blocked and form.is_bound and form.is_valid():
        try:
            made = services.ballot_papers_allocate(acting_user=request.user, poll=poll)  # type: ignore[arg-type]
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("%(n)s ballot paper number ranges allocated") % {"n": len(made)})
            return redirect("polling:ballot-papers", poll.pk)
    return render(
        request,
        "polling/ballot_papers.html",
        _context(
            _("Ballot paper numbers"),
            poll=poll,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
            ranges=selectors.ranges_of(poll),
            policy=law,
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def packs(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = selectors.poll_for_user(request.user, poll_id)
    form = ConfirmForm(data=_data(request))
    blocked = _blocked(poll)
    if not blocked and form.is_bound and form.is_valid():
        try:
            job = services.station_packs_start(acting_user=request.user, poll=poll)  # type: ignore[arg-type]
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Station packs are being produced"))
            return redirect("jobs:detail", job.pk)
    return render(
        request,
        "polling/confirm.html",
        _context(
            _("Produce the polling station packs"),
            caption=poll.name,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
            explain=_(
                "One PDF per station: the polling station register (eligible electors in register order, "
                "'A' against postal voters, 'P' against electors with a proxy), the list of proxies, and for each "
                "ballot the corresponding number list and the ballot paper account."
            ),
            button=_("Produce the packs"),
            back=("polling:poll", [poll.pk]),
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def poll_cards(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = selectors.poll_for_user(request.user, poll_id)
    form = PollCardsForm(data=_data(request), initial={"formats": ["csv", "pdf"]})
    blocked = _blocked(poll)
    problems = selectors.poll_card_problems(poll)
    if not blocked and form.is_bound and form.is_valid():
        try:
            job = services.poll_cards_start(
                acting_user=request.user,  # type: ignore[arg-type]
                poll=poll,
                formats=form.cleaned_data["formats"],
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Poll cards are being produced"))
            return redirect("jobs:detail", job.pk)
    return render(
        request,
        "polling/poll_cards.html",
        _context(
            _("Poll cards"),
            poll=poll,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
            problems=problems,
            status=selectors.production_run(poll),
        ),
    )


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def democracy_club_export(request: HttpRequest, poll_id: int) -> StreamingHttpResponse:
    """Stations and the address → station mapping in Xpress's "DemocracyClub" layout (tab-separated)."""
    poll = selectors.poll_for_user(request.user, poll_id)
    name = exports.file_name(poll)
    response = StreamingHttpResponse(
        exports.xpress_dc_lines(poll), content_type="text/tab-separated-values; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
