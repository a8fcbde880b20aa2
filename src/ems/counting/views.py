"""The count pages: boxes and verification, count figures, doubtful papers, the provisional result,
recounts, lots, the declaration and its documents, and candidates' spending.

Reads need ``VIEW_ELECTIONS``; verification and count figures ``ENTER_COUNT``; the Returning
Officer's acts (resolving variances, finalising verification, adjudicating doubtful papers,
recount decisions, lots, the declaration) ``SIGN_OFF_ELECTIONS``; spending limits and returns
``MANAGE_ELECTIONS``. Every record is looked up within the user's authority (another
authority's id is a 404). A form with errors, or a service refusing the change, shows the
GOV.UK error summary and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
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
from ems.elections.models import Ballot

from . import documents, law, selectors, services, services_spending
from .forms import (
    AnswersForm,
    BoxForm,
    ConfirmForm,
    CountForm,
    DeclareForm,
    DoubtfulForm,
    ElectorateForm,
    InspectionForm,
    ListsForm,
    LotForm,
    PreferencesForm,
    ReceiptForm,
    RecountDecisionForm,
    RecountRequestForm,
    ResolveForm,
    ReturnForm,
    SpendingForm,
    VerificationForm,
)
from .models import Adjudication, BoxKind, CountSession, CountState, RejectionHead

LANGUAGES = ("en", "cy")


def _context(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "current": "count",
        "field_error": field_error,
        "field_value": field_value,
        "states": CountState,
        **extra,
    }


def _session(ballot: Ballot) -> CountSession | None:
    return selectors.session_of(ballot)


def _blocked_by_ballot(ballot: Ballot) -> str:
    """Boxes may be registered before the poll; each later step says what it waits for."""
    if ballot.uncontested:
        return _("This ballot was returned unopposed: there is no poll and no count.")
    return ""


def _candidates(ballot: Ballot) -> list[tuple[int, str]]:
    return [(c.pk, selectors.candidate_name(c)) for c in selectors.standing_candidates(ballot)]


# ---- home and the ballot's count -----------------------------------------------------------------


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    ballots = list(selectors.count_ballots_for_user(request.user)[:200])
    sessions = selectors.sessions_by_ballot(ballots)
    rows = [{"ballot": ballot, "session": sessions.get(ballot.pk)} for ballot in ballots]
    return render(request, "counting/home.html", _context(_("Count"), rows=rows))


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def ballot_detail(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = selectors.ballot_for_user(request.user, ballot_id)
    session = _session(ballot)
    context: dict[str, Any] = {
        "ballot": ballot,
        "group": ballot.group,
        "session": session,
        "blocked": _blocked_by_ballot(ballot),
    }
    if session is not None:
        count_round = selectors.current_round(session)
        context.update(
            statement=selectors.verification_statement(session),
            shared=selectors.shared_labels(session),
            round=count_round,
            rounds=selectors.rounds(session),
            figures=selectors.result_figures(session, count_round),
            recounts=selectors.recounts(session),
            pending=selectors.pending_recount(session),
            declaration=getattr(session, "declaration", None) if session.state == CountState.DECLARED else None,
        )
    context.update(
        can_enter=_can(request, Permission.ENTER_COUNT),
        can_sign_off=_can(request, Permission.SIGN_OFF_ELECTIONS),
        can_manage=_can(request, Permission.MANAGE_ELECTIONS),
        verification_of=selectors.current_verification,
    )
    return render(request, "counting/ballot.html", _context(ballot.title, **context))


# ---- boxes and verification ----------------------------------------------------------------------


def _stations(ballot: Ballot) -> list[tuple[str, str]]:
    return [
        (str(s.pk), f"{s.number or s.code} – {s.place.name} ({s.district.code if s.district else ''})")
        for s in selectors.ballot_stations(ballot)
    ]


@permission_required(Permission.ENTER_COUNT)
@require_http_methods(["GET", "POST"])
def box_add(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user: Any = request.user
    ballot = selectors.ballot_for_user(user, ballot_id)
    stations = _stations(ballot)
    form = BoxForm(data=_data(request), stations=stations)
    blocked = _blocked_by_ballot(ballot)
    if form.is_bound and form.is_valid() and not blocked:
        data = form.cleaned_data
        station = None
        if data["station"]:
            station = selectors.ballot_stations(ballot).filter(pk=int(data["station"])).first()
        if data["kind"] == BoxKind.STATION and station is None:
            form.add_error("station", _("Choose the polling station the box comes from"))
        else:
            try:
                box = services.ballot_box_add(
                    acting_user=user,
                    ballot=ballot,
                    label=data["label"],
                    bpa_issued=data["bpa_issued"],
                    kind=data["kind"],
                    station=station if data["kind"] == BoxKind.STATION else None,
                )
            except ValidationError as error:
                _service_error(form, error)
            else:
                messages.success(request, _("Box %(label)s is registered.") % {"label": box.label})
                if request.POST.get("another"):
                    return redirect("counting:box-add", ballot_id=ballot.pk)
                return redirect("counting:ballot", ballot_id=ballot.pk)
    return render(
        request,
        "counting/box_add.html",
        _context(
            _("Register a ballot box"),
            ballot=ballot,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
            kinds=BoxKind,
        ),
    )


@permission_required(Permission.ENTER_COUNT)
@require_http_methods(["GET", "POST"])
def box_detail(request: HttpRequest, box_id: int) -> HttpResponse:
    """A box: record its receipt, then its verification (each count of it is kept)."""
    user: Any = request.user
    box = selectors.box_for_user(user, box_id)
    ballot = box.session.ballot
    action = request.POST.get("action") if request.method == "POST" else None
    receipt_form = ReceiptForm(data=_data(request) if action == "receive" else None)
    verify_form = VerificationForm(data=_data(request) if action == "verify" else None)
    if action == "receive" and receipt_form.is_valid():
        try:
            services.box_receive(acting_user=user, box=box, **receipt_form.cleaned_data)
        except ValidationError as error:
            _service_error(receipt_form, error)
        else:
            messages.success(request, _("Box %(label)s is received.") % {"label": box.label})
            return redirect("counting:box", box_id=box.pk)
    if action == "verify" and verify_form.is_valid():
        try:
            verification = services.verification_record(acting_user=user, box=box, **verify_form.cleaned_data)
        except ValidationError as error:
            _service_error(verify_form, error)
        else:
            if verification.variance:
                messages.success(
                    request,
                    _(
                        "Box %(label)s counted: %(counted)s papers, a variance of %(variance)+d from the ballot "
                        "paper account. Count it again, or explain the variance for the Returning Officer."
                    )
                    % {
                        "label": box.label,
                        "counted": f"{verification.papers_counted:,}",
                        "variance": verification.variance,
                    },
                )
            else:
                messages.success(
                    request,
                    _("Box %(label)s verified: it agrees with the ballot paper account.") % {"label": box.label},
                )
            return redirect("counting:ballot", ballot_id=ballot.pk)
    if action not in (None, "receive", "verify"):
        receipt_form = ReceiptForm(data={})
        receipt_form.is_valid()
        receipt_form.add_error(None, _("Choose what to record for this box"))
    verifications = list(box.verifications.select_related("entered_by", "resolved_by"))
    return render(
        request,
        "counting/box.html",
        _context(
            _("Box %(label)s") % {"label": box.label},
            box=box,
            ballot=ballot,
            session=box.session,
            received=selectors.StatementRow(box, None).received,
            verifications=verifications,
            current=verifications[-1] if verifications else None,
            receipt_form=receipt_form,
            verify_form=verify_form,
            error_list=_errors(receipt_form, verify_form) or _non_field(receipt_form),
            can_sign_off=_can(request, Permission.SIGN_OFF_ELECTIONS),
        ),
    )


def _non_field(form: forms.Form) -> list[dict[str, str]]:
    return [{"text": str(e), "href": "#main-content"} for e in form.non_field_errors()] if form.is_bound else []


@permission_required(Permission.SIGN_OFF_ELECTIONS)
@require_http_methods(["GET", "POST"])
def variance_resolve(request: HttpRequest, box_id: int) -> HttpResponse:
    user: Any = request.user
    box = selectors.box_for_user(user, box_id)
    current = selectors.current_verification(box)
    blocked = ""
    if current is None:
        blocked = _("This box has not been verified yet.")
    elif not current.needs_resolution:
        blocked = _("This box has no variance waiting for a decision.")
    initial = {"explanation": current.explanation} if current is not None else {}
    form = ResolveForm(data=_data(request), initial=initial)
    if form.is_bound and form.is_valid() and not blocked and current is not None:
        try:
            services.variance_resolve(acting_user=user, verification=current, **form.cleaned_data)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The variance of box %(label)s is resolved.") % {"label": box.label})
            return redirect("counting:ballot", ballot_id=box.session.ballot_id)
    return render(
        request,
        "counting/resolve.html",
        _context(
            _("Resolve a variance"),
            box=box,
            ballot=box.session.ballot,
            current=current,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
        ),
    )


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def verification(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = selectors.ballot_for_user(request.user, ballot_id)
    session = _session(ballot)
    statement = selectors.verification_statement(session) if session is not None else None
    return render(
        request,
        "counting/verification.html",
        _context(
            _("Verification statement"),
            ballot=ballot,
            session=session,
            statement=statement,
            can_sign_off=_can(request, Permission.SIGN_OFF_ELECTIONS),
        ),
    )


@permission_required(Permission.SIGN_OFF_ELECTIONS)
@require_http_methods(["GET", "POST"])
def verification_finalise(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user: Any = request.user
    ballot = selectors.ballot_for_user(user, ballot_id)
    session = _session(ballot)
    form = ConfirmForm(data=_data(request))
    statement = selectors.verification_statement(session) if session is not None else None
    blocked = ""
    if session is None:
        blocked = _("No ballot boxes are registered for this ballot yet.")
    elif session.verification_finalised_at is not None:
        blocked = _("The verification statement is already finalised.")
    if form.is_bound and form.is_valid() and not blocked and session is not None:
        try:
            services.verification_finalise(acting_user=user, session=session)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The verification statement is finalised: the count can begin."))
            return redirect("counting:ballot", ballot_id=ballot.pk)
    return render(
        request,
        "counting/finalise.html",
        _context(
            _("Finalise the verification statement"),
            ballot=ballot,
            session=session,
            statement=statement,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
        ),
    )


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def verification_document(request: HttpRequest, ballot_id: int, fmt: str) -> HttpResponse:
    ballot = selectors.ballot_for_user(request.user, ballot_id)
    session = _session(ballot)
    build = documents.VERIFICATION.get(fmt)
    if build is None or session is None:
        raise Http404("No such document")
    response = HttpResponse(build(session), content_type=documents.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="verification-{ballot.dc_ballot_id}.{fmt}"'
    return response


@permission_required(Permission.ENTER_COUNT)
@require_http_methods(["GET", "POST"])
def electorate(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user: Any = request.user
    ballot = selectors.ballot_for_user(user, ballot_id)
    session = _session(ballot)
    form = ElectorateForm(data=_data(request))
    blocked = _blocked_by_ballot(ballot)
    if session is not None and session.state == CountState.DECLARED:
        blocked = _("The result has been declared.")
    if form.is_bound and form.is_valid() and not blocked:
        figure = form.cleaned_data["electorate"] if form.cleaned_data["source"] == "entered" else None
        try:
            session = services.electorate_set(acting_user=user, ballot=ballot, electorate=figure)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The electorate is %(n)s.") % {"n": f"{session.electorate:,}"})
            return redirect("counting:ballot", ballot_id=ballot.pk)
    return render(
        request,
        "counting/electorate.html",
        _context(
            _("Electorate"),
            ballot=ballot,
            session=session,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
            register_date=selectors.register_date(ballot),
        ),
    )


# ---- the count -----------------------------------------------------------------------------------


def _count_blocked(session: CountSession | None) -> str:
    if session is None or session.verification_finalised_at is None:
        return _("The count starts once the verification statement is finalised.")
    if session.state == CountState.DECLARED:
        return _("The result has been declared.")
    if session.state != CountState.COUNTING:
        return _(
            "The figures of this count are entered. A further count needs a recount granted by the Returning Officer."
        )
    return ""


def _list_fields(ballot: Ballot) -> list[tuple[str, str]]:
    """The count form's fields at a closed-list ballot: ``list_N`` for each party list, in
    ballot-paper order, and ``votes_<id>`` for each individual candidate."""
    fields = []
    for n, option in enumerate(selectors.list_options(ballot), start=1):
        name = f"list_{n}" if option.party else f"votes_{option.members[0].pk}"
        fields.append((name, option.name))
    return fields


@permission_required(Permission.ENTER_COUNT)
@require_http_methods(["GET", "POST"])
def count_entry(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user: Any = request.user
    ballot = selectors.ballot_for_user(user, ballot_id)
    session = _session(ballot)
    count_round = selectors.current_round(session) if session is not None else None
    blocked = _count_blocked(session)
    stv = ballot.voting_system == "stv"
    if not blocked and ballot.voting_system not in law.COUNTABLE_SYSTEMS:
        blocked = _("Counts of %(system)s ballots are not entered here: use the `ems count` command.") % {
            "system": ballot.get_voting_system_display()
        }
    candidates = _candidates(ballot)
    system = ballot.voting_system
    list_fields = _list_fields(ballot) if system == "dhondt" else []
    form: forms.Form
    if stv:
        form = PreferencesForm(data=_data(request), files=request.FILES if request.method == "POST" else None)
    elif system == "referendum":
        form = AnswersForm(data=_data(request), answers=law.REFERENDUM_ANSWERS)
    elif system == "dhondt":
        form = ListsForm(data=_data(request), options=list_fields)
    else:
        form = CountForm(data=_data(request), candidates=candidates, second=ballot.voting_system == "sv")
    first_field = next(iter(form.fields), None)
    if form.is_bound and form.is_valid() and not blocked and count_round is not None:
        try:
            if isinstance(form, PreferencesForm):
                upload = form.cleaned_data["file"]
                services.count_preferences_import(
                    acting_user=user, count_round=count_round, content=upload.read(), filename=upload.name
                )
            elif isinstance(form, AnswersForm):
                services.count_answers_record(acting_user=user, count_round=count_round, votes=form.votes())
            elif isinstance(form, ListsForm):
                services.count_lists_record(
                    acting_user=user,
                    count_round=count_round,
                    list_votes=form.list_votes(),
                    candidate_votes=form.candidate_votes(),
                )
            else:
                assert isinstance(form, CountForm)
                services.count_figures_record(
                    acting_user=user,
                    count_round=count_round,
                    votes=form.votes(),
                    second_preferences=form.seconds() or None,
                )
        except ValidationError as error:
            _service_error(form, error, {"votes": first_field} if first_field else None)
        else:
            messages.success(
                request, _("The figures of the %(round)s are entered.") % {"round": str(count_round).lower()}
            )
            return redirect("counting:provisional", ballot_id=ballot.pk)
    return render(
        request,
        "counting/count_entry.html",
        _context(
            _("Enter the count"),
            ballot=ballot,
            session=session,
            round=count_round,
            form=form,
            stv=stv,
            candidates=candidates,
            sv=ballot.voting_system == "sv",
            system=system,
            answers=[(f"answer_{i}", a) for i, a in enumerate(law.REFERENDUM_ANSWERS, start=1)],
            list_fields=list_fields,
            question=ballot.referendum_question,
            error_list=_errors(form),
            blocked=blocked,
            statement=selectors.rejected_statement(count_round) if count_round else None,
        ),
    )


@permission_required(Permission.SIGN_OFF_ELECTIONS)
@require_http_methods(["GET", "POST"])
def doubtful(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user: Any = request.user
    ballot = selectors.ballot_for_user(user, ballot_id)
    session = _session(ballot)
    count_round = selectors.current_round(session) if session is not None else None
    blocked = ""
    if session is None or count_round is None:
        blocked = _("Doubtful papers are adjudicated during the count, after verification.")
    elif session.state == CountState.DECLARED:
        blocked = _("The result has been declared.")
    form = DoubtfulForm(data=_data(request))
    if form.is_bound and form.is_valid() and not blocked and count_round is not None:
        try:
            services.doubtful_papers_adjudicate(acting_user=user, count_round=count_round, **form.cleaned_data)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The adjudication is recorded."))
            return redirect("counting:doubtful", ballot_id=ballot.pk)
    return render(
        request,
        "counting/doubtful.html",
        _context(
            _("Doubtful papers"),
            ballot=ballot,
            session=session,
            round=count_round,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
            heads=RejectionHead,
            decisions=Adjudication,
            papers=selectors.doubtful_papers(count_round) if count_round else [],
            statement=selectors.rejected_statement(count_round),
        ),
    )


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def provisional(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """The provisional result, for the candidates and agents before the declaration (and the
    declared one after it)."""
    ballot = selectors.ballot_for_user(request.user, ballot_id)
    session = _session(ballot)
    figures = None
    declaration = None
    if session is not None:
        declaration = getattr(session, "declaration", None) if session.state == CountState.DECLARED else None
        figures = declaration.figures if declaration is not None else selectors.result_figures(session)
    return render(
        request,
        "counting/provisional.html",
        _context(
            _("Declared result") if declaration else _("Provisional result"),
            ballot=ballot,
            session=session,
            figures=figures,
            declaration=declaration,
            can_enter=_can(request, Permission.ENTER_COUNT),
            can_sign_off=_can(request, Permission.SIGN_OFF_ELECTIONS),
            pending=selectors.pending_recount(session) if session else None,
        ),
    )


@permission_required(Permission.ENTER_COUNT)
@require_http_methods(["GET", "POST"])
def recount_request(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user: Any = request.user
    ballot = selectors.ballot_for_user(user, ballot_id)
    session = _session(ballot)
    candidates = [(str(pk), name) for pk, name in _candidates(ballot)]
    form = RecountRequestForm(data=_data(request), candidates=candidates)
    blocked = ""
    if session is None or session.state != CountState.PROVISIONAL:
        blocked = _("A recount can be asked for once the provisional result is known, before the declaration.")
    elif selectors.pending_recount(session) is not None:
        blocked = _("A request for a recount is already waiting for the Returning Officer's decision.")
    if form.is_bound and form.is_valid() and not blocked and session is not None:
        data = form.cleaned_data
        candidate = next((c for c in selectors.standing_candidates(ballot) if str(c.pk) == data["candidate"]), None)
        try:
            services.recount_request(
                acting_user=user,
                session=session,
                requested_by=data["requested_by"],
                reason=data["reason"],
                candidate=candidate,
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The request for a recount is recorded for the Returning Officer."))
            return redirect("counting:ballot", ballot_id=ballot.pk)
    return render(
        request,
        "counting/recount_request.html",
        _context(
            _("Request a recount"), ballot=ballot, session=session, form=form, error_list=_errors(form), blocked=blocked
        ),
    )


@permission_required(Permission.SIGN_OFF_ELECTIONS)
@require_http_methods(["GET", "POST"])
def recount_decide(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user: Any = request.user
    ballot = selectors.ballot_for_user(user, ballot_id)
    session = _session(ballot)
    pending = selectors.pending_recount(session) if session is not None else None
    form = RecountDecisionForm(data=_data(request))
    blocked = "" if pending is not None else _("No request for a recount is waiting for a decision.")
    if form.is_bound and form.is_valid() and pending is not None:
        grant = form.cleaned_data["decision"] == "grant"
        try:
            services.recount_decide(acting_user=user, recount=pending, grant=grant, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(
                request,
                _("The recount is granted: enter the figures of the recount.")
                if grant
                else _("The recount is refused."),
            )
            return redirect("counting:count" if grant else "counting:ballot", ballot_id=ballot.pk)
    return render(
        request,
        "counting/recount_decide.html",
        _context(
            _("Decide on the recount"),
            ballot=ballot,
            session=session,
            pending=pending,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
            figures=selectors.result_figures(session) if session else None,
        ),
    )


@permission_required(Permission.SIGN_OFF_ELECTIONS)
@require_http_methods(["GET", "POST"])
def lot(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user: Any = request.user
    ballot = selectors.ballot_for_user(user, ballot_id)
    session = _session(ballot)
    count_round = selectors.current_round(session) if session is not None else None
    blocked = "" if count_round is not None and count_round.needs_lot else _("No tie in this count needs a lot.")
    form = LotForm(data=_data(request))
    if form.is_bound and form.is_valid() and not blocked and count_round is not None:
        try:
            drawn = services.lot_draw(acting_user=user, count_round=count_round, seed=form.cleaned_data["seed"])
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The lot is drawn with the number %(seed)s.") % {"seed": drawn.seed})
            return redirect("counting:provisional", ballot_id=ballot.pk)
    return render(
        request,
        "counting/lot.html",
        _context(
            _("Decide a tie by lot"),
            ballot=ballot,
            round=count_round,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
        ),
    )


@permission_required(Permission.SIGN_OFF_ELECTIONS)
@require_http_methods(["GET", "POST"])
def declare(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user: Any = request.user
    ballot = selectors.ballot_for_user(user, ballot_id)
    session = _session(ballot)
    form = DeclareForm(data=_data(request))
    blocked = ""
    figures = selectors.result_figures(session) if session is not None else None
    if session is None or session.state not in (CountState.PROVISIONAL, CountState.DECLARED):
        blocked = _("There is no provisional result to declare yet.")
    elif session.state == CountState.DECLARED:
        blocked = _("The result has been declared.")
    if form.is_bound and form.is_valid() and not blocked and session is not None:
        try:
            services.result_declare(acting_user=user, session=session)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The result is declared."))
            return redirect("counting:provisional", ballot_id=ballot.pk)
    return render(
        request,
        "counting/declare.html",
        _context(
            _("Declare the result"),
            ballot=ballot,
            session=session,
            figures=figures,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
        ),
    )


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def declaration_document(request: HttpRequest, ballot_id: int, fmt: str) -> HttpResponse:
    """The declaration of result (Word or PDF); marked as a draft until the result is declared."""
    ballot = selectors.ballot_for_user(request.user, ballot_id)
    session = _session(ballot)
    if session is None or fmt not in ("docx", "pdf"):
        raise Http404("No such document")
    language = request.GET.get("language", "en")
    body = documents.declaration(ballot, session, fmt, language if language in LANGUAGES else "en")
    response = HttpResponse(body, content_type=documents.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{documents.declaration_filename(ballot, fmt)}"'
    return response


# ---- spending ------------------------------------------------------------------------------------


@permission_required(Permission.VIEW_ELECTIONS)
@require_GET
def spending(request: HttpRequest, ballot_id: int) -> HttpResponse:
    ballot = selectors.ballot_for_user(request.user, ballot_id)
    session = _session(ballot)
    notice = getattr(session, "inspection_notice", None) if session is not None and _has_notice(session) else None
    return render(
        request,
        "counting/spending.html",
        _context(
            _("Spending limits and returns"),
            ballot=ballot,
            session=session,
            rows=selectors.spending_rows(ballot),
            notice=notice,
            pounds=law.format_pounds,
            can_manage=_can(request, Permission.MANAGE_ELECTIONS),
            register_date=selectors.register_date(ballot),
        ),
    )


def _has_notice(session: CountSession) -> bool:
    from .models import InspectionNotice

    return InspectionNotice.objects.filter(session=session).exists()


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def spending_limits(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user: Any = request.user
    ballot = selectors.ballot_for_user(user, ballot_id)
    candidates = _candidates(ballot)
    form = SpendingForm(data=_data(request), candidates=candidates)
    blocked = "" if candidates else _("No candidates stand at this ballot yet.")
    if form.is_bound and form.is_valid() and not blocked:
        data = form.cleaned_data
        try:
            services_spending.spending_limits_calculate(
                acting_user=user,
                ballot=ballot,
                joint_candidates=form.joint(),
                constituency_type=data["constituency_type"] or None,
                police_area=data["police_area"] or None,
                constituent_councils=data["constituent_councils"],
                electorate=data["electorate"],
            )
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The spending limits are calculated."))
            return redirect("counting:spending", ballot_id=ballot.pk)
    return render(
        request,
        "counting/spending_limits.html",
        _context(
            _("Calculate spending limits"),
            ballot=ballot,
            form=form,
            candidates=candidates,
            error_list=_errors(form),
            blocked=blocked,
            register_date=selectors.register_date(ballot),
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def expense_return(request: HttpRequest, candidate_id: int) -> HttpResponse:
    user: Any = request.user
    candidate = selectors.candidate_for_user(user, candidate_id)
    from .models import ExpenseReturn

    ret = ExpenseReturn.objects.filter(candidate=candidate).first()
    initial = {}
    if ret is not None:
        initial = {
            name: getattr(ret, name)
            for name in (
                "return_received_on",
                "agent_declaration_received_on",
                "candidate_declaration_received_on",
                "note",
            )
        }
    form = ReturnForm(data=_data(request), initial=initial)
    blocked = "" if ret is not None else _("Spending returns are tracked once the result is declared.")
    if form.is_bound and form.is_valid() and not blocked:
        try:
            services_spending.expense_return_record(acting_user=user, candidate=candidate, **form.cleaned_data)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The spending return is recorded."))
            return redirect("counting:spending", ballot_id=candidate.ballot_id)
    return render(
        request,
        "counting/return.html",
        _context(
            _("Spending return"),
            candidate=candidate,
            name=selectors.candidate_name(candidate),
            ballot=candidate.ballot,
            ret=ret,
            form=form,
            error_list=_errors(form),
            blocked=blocked,
        ),
    )


@permission_required(Permission.MANAGE_ELECTIONS)
@require_http_methods(["GET", "POST"])
def inspection(request: HttpRequest, ballot_id: int) -> HttpResponse:
    user: Any = request.user
    ballot = selectors.ballot_for_user(user, ballot_id)
    session = _session(ballot)
    form = InspectionForm(data=_data(request))
    blocked = ""
    if session is None or session.state != CountState.DECLARED:
        blocked = _("The notice of inspection follows the declaration of the result.")
    elif _has_notice(session):
        blocked = _("The notice of inspection is already published.")
    if form.is_bound and form.is_valid() and not blocked and session is not None:
        try:
            services_spending.inspection_notice_publish(acting_user=user, session=session, **form.cleaned_data)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The notice of inspection is recorded as published."))
            return redirect("counting:spending", ballot_id=ballot.pk)
    return render(
        request,
        "counting/inspection.html",
        _context(
            _("Notice of inspection of returns"), ballot=ballot, form=form, error_list=_errors(form), blocked=blocked
        ),
    )
