"""The elections pages: polls and their timetables, ballots, nominations, decisions and notices.

Reads need ``VIEW_ELECTIONS``; set-up and nominations ``MANAGE_ELECTIONS``; the Returning
Officer's acts (validity decisions, publishing the SOPN) ``SIGN_OFF_ELECTIONS``. Every record is
looked up within the user's authority (another authority's id is a 404). A form with errors, or
a service refusing the change, shows the GOV.UK error summary and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ems.accounts.decorators import has_permission as _can
from ems.accounts.decorators import permission_required
from ems.accounts.roles import Permission
from ems.core.forms import add_service_errors, field_error, field_value
from ems.core.forms import bound_errors as _errors
from ems.core.forms import post_data as _data
from ems.core.tables import Column, build_table

from . import law, notices, selectors, services
from .forms import (
    AgentForm,
    BallotAddForm,
    CombinedPollForm,
    ConfirmForm,
    DecisionForm,
    DepositForm,
    DepositSettleForm,
    ElectionCreateForm,
    NominationForm,
    PaperAddForm,
    TemplateUploadForm,
    TimetableForm,
    WithdrawalForm,
)
from .models import Ballot, BallotStatus, CandidateStatus, DepositState, ElectionType, NoticeKind, VotingSystem
from .services import BallotSpec, SubscriberEntry

GROUP_COLUMNS = [
    Column("name", _("Election"), "name"),
    Column("poll_date", _("Polling day"), "poll_date"),
    Column("type", _("Type"), "election_type"),
    Column("ballots", _("Ballots"), "ballot_count"),
]
FORMATS = {"docx": notices.DOCX_CONTENT_TYPE, "pdf": "application/pdf"}
SPARE_SUBSCRIBER_ROWS = 2


def _service_error(form: forms.Form, error: ValidationError) -> None:
    add_service_errors(form, error, {"received_at": "received_date", "subscribers": "sub-1-number"})


def _context(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "current": "elections",
        "field_error": field_error,
        "field_value": field_value,
        "now": timezone.now(),
        **extra,
    }


def _area_choices(request: HttpRequest) -> list[tuple[int, str]]:
    return [(a.pk, f"{a.name} ({a.get_area_type_display()})") for a in selectors.areas_for_user(request.user)]


# ---- home and set-up ----------------------------------------------------------------------------


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    table = build_table(request, selectors.election_groups_for_user(request.user), GROUP_COLUMNS, "-poll_date")
    return render(
        request,
        "elections/home.html",
        _context(
            _("Elections"),
            table=table,
            combined=list(selectors.combined_polls_for_user(request.user)[:20]),
            can_manage=_can(request, Permission.MANAGE_ELECTIONS),
            types=dict(ElectionType.choices),
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def election_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    areas = _area_choices(request)
    form = ElectionCreateForm(data=_data(request), areas=areas, initial={"nation": user.authority.nation})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chosen = {a.pk: a for a in selectors.areas_for_user(user).filter(pk__in=[int(a) for a in data["areas"]])}
        question = data["referendum_question"]
        specs = [
            BallotSpec(area=chosen[int(pk)], seats=data["seats"], referendum_question=question)
            for pk in data["areas"]
            if int(pk) in chosen
        ]
        if data["whole_area"]:
            specs.append(
                BallotSpec(area=None, seats=data["seats"], title=user.authority.name, referendum_question=question)
            )
        try:
            group = services.election_group_create(
                acting_user=user,
                authority=user.authority,
                election_type=data["election_type"],
                nation=data["nation"],
                poll_date=data["poll_date"],
                ballots=specs,
                name=data["name"],
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("%(name)s was created with its timetable.") % {"name": group.name})
            for warning in law.timetable_warnings(
                group.election_type, group.nation, group.poll_date, authority_id=group.authority_id
            ):
                messages.warning(request, _("Check the polling day: %(warning)s") % {"warning": warning})
            return redirect("elections:election", election_id=group.pk)
    return render(
        request,
        "elections/create.html",
        _context(_("Create an election"), form=form, error_list=_errors(form), areas=areas),
    )


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def election_detail(request: HttpRequest, election_id: int) -> HttpResponse:
    group = selectors.election_group_for_user(request.user, election_id)
    ballots = list(group.ballots.select_related("area").order_by("title"))
    return render(
        request,
        "elections/election.html",
        _context(
            group.name,
            group=group,
            ballots=ballots,
            timetable=selectors.timetable_rows(group),
            register_date=selectors.register_date(group),
            drafts=[b for b in ballots if b.status == BallotStatus.DRAFT],
            can_manage=_can(request, Permission.MANAGE_ELECTIONS),
            group_notices=[(k, NoticeKind(k).label) for k in notices.GROUP_NOTICES],
            subscribers=law.subscribers_required(group.election_type, group.nation, group.poll_date),
            deposit=law.deposit_pence(group.election_type, group.nation, group.poll_date),
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def ballot_add(request: HttpRequest, election_id: int) -> HttpResponse:
    user: Any = request.user
    group = selectors.election_group_for_user(user, election_id)
    form = BallotAddForm(data=_data(request), areas=_area_choices(request))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        area = selectors.areas_for_user(user).filter(pk=int(data["area"])).first() if data["area"] else None
        spec = BallotSpec(
            area=area,
            seats=data["seats"],
            title=data["title"],
            is_by_election=data["is_by_election"] or None,
            vacancy_date=data["vacancy_date"],
            vacancy_notice_date=data["vacancy_notice_date"],
            elector_requests=data["elector_requests"] or 0,
            requested_on=data["requested_on"],
            referendum_question=data["referendum_question"],
        )
        try:
            ballot = services.ballot_add(acting_user=user, group=group, spec=spec)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The ballot %(id)s was added.") % {"id": ballot.dc_ballot_id})
            return redirect("elections:ballot", ballot_id=ballot.pk)
    return render(
        request,
        "elections/ballot_add.html",
        _context(_("Add a ballot"), group=group, form=form, error_list=_errors(form)),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def notice_of_election_publish(request: HttpRequest, election_id: int) -> HttpResponse:
    group = selectors.election_group_for_user(request.user, election_id)
    drafts = list(group.ballots.filter(status=BallotStatus.DRAFT))
    form = ConfirmForm(data=_data(request))
    if form.is_bound and form.is_valid():
        try:
            count = services.election_notice_publish(acting_user=request.user, group=group)  # type: ignore[arg-type]
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(
                request,
                _("The notice of election is published: nominations are open for %(n)s ballots.") % {"n": count},
            )
            return redirect("elections:election", election_id=group.pk)
    return render(
        request,
        "elections/confirm.html",
        _context(
            _("Publish the notice of election"),
            form=form,
            error_list=_errors(form),
            caption=group.name,
            blocked=_("The notice of election is already published for every ballot.") if not drafts else "",
            explain=_(
                "Publishing opens nominations for %(n)s ballots. Nomination papers can be delivered from the next "
                "working day until the close of nominations."
            )
            % {"n": len(drafts)},
            button=_("Publish the notice of election"),
            back=("elections:election", group.pk),
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def timetable_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    user: Any = request.user
    entry = selectors.timetable_entry_for_user(user, entry_id)
    form = TimetableForm(data=_data(request), initial={"done": entry.done_on is not None, "note": entry.note})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            if entry.ro_chooses and data["due_date"] is not None:
                services.timetable_set_date(
                    acting_user=user, entry=entry, due_date=data["due_date"], due_time=data["due_time"]
                )
            if data["done"]:
                services.timetable_mark_done(acting_user=user, entry=entry, done_on=data["done_on"], note=data["note"])
            elif not (entry.ro_chooses and data["due_date"] is not None):
                form.add_error("done", _("Tick 'Done', or enter the date the Returning Officer chose"))
                raise ValidationError("")
        except ValidationError as error:
            if error.messages != [""]:
                _service_error(form, error)
        else:
            messages.success(request, _("The timetable is updated."))
            return redirect("elections:election", election_id=entry.group_id)
    return render(
        request,
        "elections/timetable_entry.html",
        _context(entry.label, entry=entry, form=form, error_list=_errors(form), due=selectors.entry_due(entry)),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def combined_poll_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    ballots = list(selectors.upcoming_ballots_for_user(user).order_by("group__poll_date", "group__name", "title"))
    groups = list(selectors.election_groups_for_user(user).filter(poll_date__gte=timezone.localdate()))
    form = CombinedPollForm(
        data=_data(request),
        ballots=[(b.pk, f"{b.group.name}: {b.title}") for b in ballots],
        groups=[(g.pk, g.name) for g in groups],
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chosen = [b for b in ballots if str(b.pk) in data["ballots"]]
        lead = next((g for g in groups if str(g.pk) == data["lead_group"]), None)
        try:
            services.combined_poll_create(
                acting_user=user,
                authority=user.authority,
                name=data["name"],
                ballots=chosen,
                lead_group=lead,
                lead_officer=data["lead_officer"],
                functions=data["functions"],
                notes=data["notes"],
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The combined polls are recorded."))
            return redirect("elections:home")
    return render(
        request,
        "elections/combined_new.html",
        _context(_("Combine polls"), form=form, error_list=_errors(form)),
    )


# ---- ballots and candidates ------------------------------------------------------------------------


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def ballot_detail(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = selectors.ballot_for_user(request.user, ballot_id)
    group = ballot.group
    candidates = selectors.ballot_candidates(ballot)
    required_requests = law.elector_requests_required(
        "local-by" if group.election_type == "local" else group.election_type
    )
    return render(
        request,
        "elections/ballot.html",
        _context(
            ballot.title,
            ballot=ballot,
            group=group,
            candidates=candidates,
            statement=selectors.sopn(ballot),
            districts=list(selectors.ballot_districts(ballot)),
            close=selectors.deadline(group, "close_of_nominations")[1],
            required_requests=required_requests,
            can_manage=_can(request, Permission.MANAGE_ELECTIONS),
            can_sign_off=_can(request, Permission.SIGN_OFF_ELECTIONS),
            ballot_notices=[(k, NoticeKind(k).label) for k in notices.BALLOT_NOTICES],
            status=BallotStatus,
        ),
    )


def _subscriber_rows(ballot: Ballot) -> int:
    group = ballot.group
    return law.subscribers_required(group.election_type, group.nation, group.poll_date) + SPARE_SUBSCRIBER_ROWS


def _entries(form: NominationForm | PaperAddForm) -> list[SubscriberEntry]:
    return [SubscriberEntry(number, name) for number, name in form.subscriber_rows()]


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user: Any = request.user
    ballot = selectors.ballot_for_user(user, ballot_id)
    form = NominationForm(data=_data(request), subscribers=_subscriber_rows(ballot))
    blocked = ""
    if ballot.status == BallotStatus.DRAFT:
        blocked = _("Publish the notice of election first: nomination papers can be delivered only after it.")
    elif ballot.status != BallotStatus.NOTICE_PUBLISHED:
        blocked = _("Nominations for this ballot are closed.")
    if form.is_bound and form.is_valid() and not blocked:
        data = form.cleaned_data
        try:
            candidate = services.candidate_nominate(
                acting_user=user,
                ballot=ballot,
                subscribers=_entries(form),
                received_at=form.received_at(),
                **{name: data[name] for name in NominationForm.CANDIDATE_FIELDS},
                list_position=data["list_position"],
                **form.paper_fields(),
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            paper = candidate.papers.get()
            if paper.checks_passed:
                messages.success(request, _("The nomination paper is recorded and its checks passed."))
            else:
                messages.warning(
                    request, _("The nomination paper is recorded, but the checks found problems: see below.")
                )
            return redirect("elections:candidate", candidate_id=candidate.pk)
    return render(
        request,
        "elections/nominate.html",
        _context(
            _("Record a nomination paper"),
            ballot=ballot,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
            rows=range(1, form.rows + 1),
            closed_list=ballot.voting_system == VotingSystem.DHONDT,
        ),
    )


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def candidate_detail(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = selectors.candidate_for_user(request.user, candidate_id)
    ballot = candidate.ballot
    group = ballot.group
    return render(
        request,
        "elections/candidate.html",
        _context(
            str(candidate),
            candidate=candidate,
            ballot=ballot,
            group=group,
            papers=list(
                candidate.papers.prefetch_related("subscribers", "decisions", "decisions__decided_by").order_by(
                    "received_at", "id"
                )
            ),
            deposit=selectors.candidate_deposit(candidate),
            deposit_due=law.deposit_pence(group.election_type, group.nation, group.poll_date),
            withdrawal=selectors.candidate_withdrawal(candidate),
            agent=selectors.candidate_agent(candidate),
            can_manage=_can(request, Permission.MANAGE_ELECTIONS),
            can_sign_off=_can(request, Permission.SIGN_OFF_ELECTIONS),
            open=ballot.status == BallotStatus.NOTICE_PUBLISHED,
            before_sopn=ballot.status
            in (BallotStatus.DRAFT, BallotStatus.NOTICE_PUBLISHED, BallotStatus.NOMINATIONS_CLOSED),
            decidable=ballot.status in (BallotStatus.NOTICE_PUBLISHED, BallotStatus.NOMINATIONS_CLOSED)
            and candidate.status != CandidateStatus.WITHDRAWN,
            no_agents=group.election_type == "parish",
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def paper_add(request: HttpRequest, candidate_id: int) -> HttpResponse:
    user: Any = request.user
    candidate = selectors.candidate_for_user(user, candidate_id)
    form = PaperAddForm(data=_data(request), subscribers=_subscriber_rows(candidate.ballot))
    blocked = "" if candidate.ballot.status == BallotStatus.NOTICE_PUBLISHED else _("Nominations are not open.")
    if form.is_bound and form.is_valid() and not blocked:
        try:
            services.nomination_paper_add(
                acting_user=user,
                candidate=candidate,
                subscribers=_entries(form),
                received_at=form.received_at(),
                **form.paper_fields(),
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The further nomination paper is recorded."))
            return redirect("elections:candidate", candidate_id=candidate.pk)
    return render(
        request,
        "elections/paper_add.html",
        _context(
            _("Record another nomination paper"),
            candidate=candidate,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
            rows=range(1, form.rows + 1),
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def paper_recheck(request: HttpRequest, paper_id: int) -> HttpResponse:
    paper = selectors.paper_for_user(request.user, paper_id)
    form = ConfirmForm(data=_data(request))
    blocked = (
        ""
        if paper.candidate.ballot.status
        in (
            BallotStatus.NOTICE_PUBLISHED,
            BallotStatus.NOMINATIONS_CLOSED,
        )
        else _("Papers can be checked again only until the statement of persons nominated is published.")
    )
    if form.is_bound and form.is_valid() and not blocked:
        services.nomination_paper_recheck(acting_user=request.user, paper=paper)  # type: ignore[arg-type]
        messages.success(request, _("The paper was checked again against the register in force."))
        return redirect("elections:candidate", candidate_id=paper.candidate_id)
    return render(
        request,
        "elections/confirm.html",
        _context(
            _("Check the paper again"),
            form=form,
            error_list=_errors(form),
            caption=str(paper.candidate),
            blocked=blocked,
            explain=_("Each subscriber is checked again against the register in force."),
            button=_("Check again"),
            back=("elections:candidate", paper.candidate_id),
        ),
    )


@permission_required(Permission.SIGN_OFF_ELECTIONS)
@require_http_methods(["GET", "POST"])
def paper_decide(request: HttpRequest, paper_id: int) -> HttpResponse:
    paper = selectors.paper_for_user(request.user, paper_id)
    candidate = paper.candidate
    form = DecisionForm(data=_data(request))
    if form.is_bound and form.is_valid():
        try:
            services.validity_decide(
                acting_user=request.user,  # type: ignore[arg-type]
                paper=paper,
                valid=form.cleaned_data["decision"] == "valid",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("elections:candidate", candidate_id=candidate.pk)
    return render(
        request,
        "elections/decide.html",
        _context(
            _("Decide on the nomination paper"),
            paper=paper,
            candidate=candidate,
            subscribers=list(paper.subscribers.order_by("position")),
            form=form,
            error_list=_errors(form),
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = selectors.candidate_for_user(request.user, candidate_id)
    form = WithdrawalForm(data=_data(request))
    if form.is_bound and form.is_valid():
        try:
            services.withdrawal_record(
                acting_user=request.user,  # type: ignore[arg-type]
                candidate=candidate,
                received_at=form.received_at(),
                delivered_by=form.cleaned_data["delivered_by"],
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The withdrawal is recorded."))
            return redirect("elections:candidate", candidate_id=candidate.pk)
    deadline = selectors.deadline(candidate.ballot.group, "withdrawal_of_candidature", "close_of_nominations")[1]
    return render(
        request,
        "elections/withdraw.html",
        _context(
            _("Record a withdrawal"),
            candidate=candidate,
            form=form,
            error_list=_errors(form),
            deadline=deadline,
            already=candidate.status == CandidateStatus.WITHDRAWN,
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def deposit(request: HttpRequest, candidate_id: int) -> HttpResponse:
    user: Any = request.user
    candidate = selectors.candidate_for_user(user, candidate_id)
    group = candidate.ballot.group
    existing = selectors.candidate_deposit(candidate)
    due = law.deposit_pence(group.election_type, group.nation, group.poll_date)
    settle = existing is not None
    form: forms.Form = DepositSettleForm(data=_data(request)) if settle else DepositForm(data=_data(request))
    blocked = ""
    if due is None and existing is None:
        blocked = _("No deposit is payable at this election.")
    elif existing is not None and existing.state != DepositState.HELD:
        blocked = _("The deposit was %(state)s on %(day)s.") % {
            "state": existing.get_state_display().lower(),
            "day": existing.settled_on,
        }
    if form.is_bound and form.is_valid() and not blocked:
        data = form.cleaned_data
        try:
            if settle:
                settle_service = services.deposit_return if data["outcome"] == "returned" else services.deposit_forfeit
                settle_service(acting_user=user, candidate=candidate, on=data["on"], reason=data["reason"])
            else:
                assert isinstance(form, DepositForm)
                services.deposit_record(
                    acting_user=user,
                    candidate=candidate,
                    amount_pence=data["amount"],
                    method=data["method"],
                    payer=data["payer"],
                    received_at=form.received_at(),
                )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The deposit is recorded."))
            return redirect("elections:candidate", candidate_id=candidate.pk)
    return render(
        request,
        "elections/deposit.html",
        _context(
            _("Deposit"),
            candidate=candidate,
            form=form,
            error_list=_errors(form),
            settle=settle,
            existing=existing,
            due=due,
            blocked=blocked,
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def agent(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = selectors.candidate_for_user(request.user, candidate_id)
    current = selectors.candidate_agent(candidate)
    initial = (
        {"name": current.name, "address": current.address, "office_address": current.office_address,
         "is_candidate": current.is_candidate}
        if current is not None
        else {}
    )  # fmt: skip
    form = AgentForm(data=_data(request), initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.election_agent_appoint(
                acting_user=request.user,  # type: ignore[arg-type]
                candidate=candidate,
                name=data["name"],
                address=data["address"],
                office_address=data["office_address"],
                is_candidate=data["is_candidate"],
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The election agent is recorded."))
            return redirect("elections:candidate", candidate_id=candidate.pk)
    return render(
        request,
        "elections/agent.html",
        _context(_("Election agent"), candidate=candidate, form=form, error_list=_errors(form)),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def nominations_close(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = selectors.ballot_for_user(request.user, ballot_id)
    form = ConfirmForm(data=_data(request))
    blocked = "" if ballot.status == BallotStatus.NOTICE_PUBLISHED else _("Nominations are not open for this ballot.")
    if form.is_bound and form.is_valid() and not blocked:
        try:
            services.nominations_close(acting_user=request.user, ballot=ballot)  # type: ignore[arg-type]
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("Nominations are closed for %(ballot)s.") % {"ballot": ballot.title})
            return redirect("elections:ballot", ballot_id=ballot.pk)
    return render(
        request,
        "elections/confirm.html",
        _context(
            _("Close nominations"),
            form=form,
            error_list=_errors(form),
            caption=ballot.title,
            blocked=blocked,
            explain=_("No more nomination papers can be recorded for this ballot once nominations are closed."),
            button=_("Close nominations"),
            back=("elections:ballot", ballot.pk),
        ),
    )


@permission_required(Permission.SIGN_OFF_ELECTIONS)
@require_http_methods(["GET", "POST"])
def sopn_publish(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = selectors.ballot_for_user(request.user, ballot_id)
    form = ConfirmForm(data=_data(request))
    statement = selectors.sopn(ballot)
    blocked = (
        ""
        if ballot.status == BallotStatus.NOMINATIONS_CLOSED
        else _("Close nominations first.")
        if ballot.status in (BallotStatus.DRAFT, BallotStatus.NOTICE_PUBLISHED)
        else _("The statement of persons nominated is already published.")
    )
    if form.is_bound and form.is_valid() and not blocked:
        try:
            published = services.sopn_publish(acting_user=request.user, ballot=ballot)  # type: ignore[arg-type]
        except ValidationError as error:
            _service_error(form, error)
        else:
            if published.uncontested:
                messages.success(request, _("The SOPN is published. The ballot is uncontested: no poll is needed."))
            else:
                messages.success(request, _("The statement of persons nominated is published."))
            return redirect("elections:ballot", ballot_id=ballot.pk)
    uncontested = len(statement["standing"]) <= ballot.seats
    return render(
        request,
        "elections/sopn_publish.html",
        _context(
            _("Publish the statement of persons nominated"),
            ballot=ballot,
            statement=statement,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
            uncontested=uncontested,
        ),
    )


# ---- documents ----------------------------------------------------------------------------------


def _document(kind: str, context: dict[str, Any], fmt: str, authority_id: int, dc_id: str) -> HttpResponse:
    if fmt == "pdf":
        body = notices.render_pdf(kind, context)
    else:
        body = notices.render_docx(kind, context, authority_id=authority_id)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{notices.filename(kind, dc_id, fmt)}"'
    return response


def _language(request: HttpRequest) -> str:
    language = request.GET.get("language", "en")
    return language if language in notices.LANGUAGES else "en"


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def election_document(request: HttpRequest, election_id: int, document: str, fmt: str) -> HttpResponse:
    group = selectors.election_group_for_user(request.user, election_id)
    build = notices.GROUP_NOTICES.get(document)  # type: ignore[call-overload]
    if build is None or fmt not in FORMATS:
        raise Http404("No such notice")
    return _document(document, build(group, _language(request)), fmt, group.authority_id, group.dc_group_id)


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def ballot_document(request: HttpRequest, ballot_id: int, document: str, fmt: str) -> HttpResponse:
    ballot = selectors.ballot_for_user(request.user, ballot_id)
    build = notices.BALLOT_NOTICES.get(document)  # type: ignore[call-overload]
    if build is None or fmt not in FORMATS:
        raise Http404("No such notice")
    return _document(
        document, build(ballot, language=_language(request)), fmt, ballot.authority_id, ballot.dc_ballot_id
    )


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    own = {(t.kind, t.language): t for t in selectors.notice_templates_for_user(request.user)}
    rows = [
        {"kind": kind, "label": label, "en": own.get((kind, "en")), "cy": own.get((kind, "cy"))}
        for kind, label in NoticeKind.choices
    ]
    return render(
        request,
        "elections/templates.html",
        _context(_("Notice templates"), rows=rows, can_manage=_can(request, Permission.MANAGE_ELECTIONS)),
    )


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def template_default(request: HttpRequest) -> HttpResponse:
    """The default Word template of the notice named in ``?kind=`` (the same for every council)."""
    notice_kind = request.GET.get("kind", NoticeKind.NOTICE_OF_ELECTION)
    if notice_kind not in NoticeKind.values:
        raise Http404("No such notice")
    response = HttpResponse(notices.default_template_path(notice_kind).read_bytes(), content_type=FORMATS["docx"])
    response["Content-Disposition"] = f'attachment; filename="{notice_kind}-default.docx"'
    return response


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def template_upload(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = TemplateUploadForm(data=_data(request), files=request.FILES if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.notice_template_upload(
                acting_user=user,
                authority=user.authority,
                kind=form.cleaned_data["kind"],
                language=form.cleaned_data["language"],
                filename=upload.name,
                content=upload.read(),
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The template is saved and will be used for this notice."))
            return redirect("elections:templates")
    return render(
        request,
        "elections/template_upload.html",
        _context(_("Upload a notice template"), form=form, error_list=_errors(form)),
    )
