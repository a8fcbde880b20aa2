"""Every write of the count: boxes, receipt, verification, count figures, doubtful papers,
recounts, lots, the declaration and the deposits.

Each service runs in one transaction with its audit row, takes keyword-only arguments and the
acting user, and raises ``ValidationError`` (nothing written) when the law or the state of the
count does not allow the change. The law is called through ``law.py``.

The legal record is never overwritten (elections.md §7): a box counted again is a new
``Verification``; a recount is a new ``CountRound`` with its own figures; an adjudication is a
new ``DoubtfulPaper`` row; a refused recount keeps its reason. The state change of the ballot
and its candidates (declared, elected / not elected) and of their deposits (returned or
forfeited) belongs to the elections app's models but is made here, audited, because only the
count knows the result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ems.audit.services import audit_record, snapshot
from ems.elections.models import Ballot, BallotStatus, Candidate, CandidateStatus, Deposit, DepositState
from ems.geography.models import PollingStation

from . import law, selectors
from .models import (
    Adjudication,
    BallotBox,
    BoxKind,
    BoxReceipt,
    CountEntry,
    CountMethod,
    CountOption,
    CountRound,
    CountSession,
    CountState,
    Declaration,
    DoubtfulPaper,
    ElectorateSource,
    ExpenseReturn,
    OptionKind,
    Recount,
    RecountDecision,
    RejectionHead,
    Verification,
)

if TYPE_CHECKING:
    from ems.accounts.models import User

MAX_PAPERS = 10_000_000  # more ballot papers than any UK contest has electors
COUNTABLE_STATUSES = (BallotStatus.SOPN_PUBLISHED, BallotStatus.POLLED)
# A referendum has no nominations and no statement of persons nominated: once the notice of
# referendum is published it goes to the poll.
REFERENDUM_COUNTABLE_STATUSES = (
    BallotStatus.NOTICE_PUBLISHED,
    BallotStatus.NOMINATIONS_CLOSED,
    BallotStatus.SOPN_PUBLISHED,
    BallotStatus.POLLED,
)


# ---- helpers -------------------------------------------------------------------------------------


def _same_authority(authority_id: int, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.authority_id != authority_id:
            raise ValidationError("That record belongs to another authority")


def _clean(text: str | None, limit: int) -> str:
    return " ".join(str(text or "").split())[:limit]


def _text(text: str | None, limit: int) -> str:
    return str(text or "").strip()[:limit]


def _user(acting_user: User | None) -> User | None:
    return acting_user if acting_user is not None and acting_user.pk else None


def _when(value: dt.datetime | None) -> dt.datetime:
    when = value or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def _papers(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > MAX_PAPERS:
        raise ValidationError({what: "Enter a whole number of ballot papers, 0 or more"})
    return value


def _lock_session(session: CountSession) -> CountSession:
    return (
        CountSession.objects.select_for_update(of=("self",))
        .select_related("ballot", "ballot__group", "authority")
        .get(pk=session.pk)
    )


def _check_contested(ballot: Ballot) -> None:
    if ballot.uncontested:
        raise ValidationError("This ballot was returned unopposed: there is no poll and no count")
    if ballot.status == BallotStatus.DECLARED:
        raise ValidationError("The result of this ballot has been declared")


def _session_for(ballot: Ballot) -> CountSession:
    session, _created = CountSession.objects.get_or_create(authority_id=ballot.authority_id, ballot=ballot)
    return _lock_session(session)


def _not_declared(session: CountSession) -> None:
    if session.state == CountState.DECLARED:
        raise ValidationError("The result has been declared: the count can no longer change")


def _check_poll_closed(ballot: Ballot) -> None:
    if timezone.localdate() < ballot.group.poll_date:
        raise ValidationError(
            f"Verification starts after the close of poll on {ballot.group.poll_date.day} "
            f"{ballot.group.poll_date:%B %Y}"
        )


def _current_round(session: CountSession) -> CountRound:
    count_round = CountRound.objects.select_for_update().filter(session=session).order_by("-number").first()
    if count_round is None:
        raise ValidationError("Finalise the verification statement first: the count starts after it")
    return count_round


def _lock_round(count_round: CountRound) -> tuple[CountSession, CountRound]:
    session = _lock_session(count_round.session)
    current = _current_round(session)
    if current.pk != count_round.pk:
        raise ValidationError(f"This is not the current count: {current} is")
    return session, current


# ---- boxes and receipt ---------------------------------------------------------------------------


@transaction.atomic
def ballot_box_add(
    *,
    acting_user: User | None,
    ballot: Ballot,
    label: str,
    bpa_issued: int,
    kind: str = BoxKind.STATION,
    station: PollingStation | None = None,
) -> BallotBox:
    """Register a ballot box of this ballot with its ballot paper account figure (the box
    registration document). A box from the opening of postal votes has ``kind=postal``."""
    ballot = Ballot.objects.select_for_update().select_related("group").get(pk=ballot.pk)
    _same_authority(ballot.authority_id, station)
    _check_contested(ballot)
    label = _clean(label, 100)
    errors: dict[str, str] = {}
    if not label:
        errors["label"] = "Enter the box number or label"
    if kind not in BoxKind.values:
        errors["kind"] = "Choose a polling station box or a postal votes box"
    elif kind == BoxKind.POSTAL and station is not None:
        errors["station"] = "A postal votes box comes from the opening, not a polling station"
    if errors:
        raise ValidationError(errors)
    bpa_issued = _papers(bpa_issued, "bpa_issued")
    session = _session_for(ballot)
    _not_declared(session)
    if session.verification_finalised_at is not None:
        raise ValidationError("The verification statement is finalised: no more boxes can be added")
    if session.boxes.filter(label=label).exists():
        raise ValidationError({"label": f"There is already a box {label} for this ballot"})
    box = BallotBox.objects.create(
        authority_id=ballot.authority_id,
        session=session,
        label=label,
        kind=kind,
        station=station,
        bpa_issued=bpa_issued,
        added_by=_user(acting_user),
    )
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action="counting.box.add",
        obj=box,
        after={
            **snapshot(box, ["session_id", "label", "kind", "station_id", "bpa_issued"]),
            "ballot": ballot.dc_ballot_id,
        },
    )
    return box


@transaction.atomic
def box_receive(
    *,
    acting_user: User | None,
    box: BallotBox,
    received_at: dt.datetime | None = None,
    delivered_by: str = "",
    note: str = "",
) -> BoxReceipt:
    """Record a box's arrival at the count. At combined polls the same box (same label, same
    polling day) carries the papers of other ballots too: their receipt is recorded with it."""
    box = BallotBox.objects.select_for_update().select_related("session__ballot__group").get(pk=box.pk)
    session = _lock_session(box.session)
    _not_declared(session)
    if BoxReceipt.objects.filter(box=box).exists():
        raise ValidationError(f"Box {box.label} has already been received")
    when = _when(received_at)
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": "The time received cannot be in the future"})
    shared = list(
        BallotBox.objects.select_for_update(of=("self",))
        .filter(
            authority_id=box.authority_id,
            label=box.label,
            station_id=box.station_id,
            session__ballot__group__poll_date=session.ballot.group.poll_date,
            receipt__isnull=True,
        )
        .exclude(pk=box.pk)
        .exclude(session__state=CountState.DECLARED)
    )
    receipts = [
        BoxReceipt.objects.create(
            authority_id=b.authority_id,
            box=b,
            received_at=when,
            received_by=_user(acting_user),
            delivered_by=_clean(delivered_by, 200),
            note=_clean(note, 300),
        )
        for b in [box, *shared]
    ]
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action="counting.box.receive",
        obj=box,
        after={
            "received_at": when.isoformat(),
            "delivered_by": receipts[0].delivered_by,
            "note": receipts[0].note,
            "shared_boxes": [b.pk for b in shared],
        },
    )
    return receipts[0]


# ---- verification --------------------------------------------------------------------------------


@transaction.atomic
def verification_record(
    *,
    acting_user: User | None,
    box: BallotBox,
    papers_counted: int,
    explanation: str = "",
    entered_at: dt.datetime | None = None,
) -> Verification:
    """One count of a box's papers (face down) against its ballot paper account. A box counted
    again is a new row: the latest stands and the earlier ones are kept."""
    box = BallotBox.objects.select_for_update().select_related("session__ballot__group").get(pk=box.pk)
    session = _lock_session(box.session)
    _not_declared(session)
    if session.verification_finalised_at is not None:
        raise ValidationError("The verification statement is finalised")
    if not BoxReceipt.objects.filter(box=box).exists():
        raise ValidationError(f"Record the receipt of box {box.label} first")
    _check_poll_closed(session.ballot)
    counted = _papers(papers_counted, "papers_counted")
    verification = Verification.objects.create(
        authority_id=box.authority_id,
        box=box,
        papers_counted=counted,
        bpa_issued=box.bpa_issued,
        variance=counted - box.bpa_issued,
        explanation=_text(explanation, 2000),
        entered_by=_user(acting_user),
        entered_at=_when(entered_at),
    )
    if session.state == CountState.RECEIPT:
        session.state = CountState.VERIFICATION
        session.save(update_fields=["state"])
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action="counting.box.verify",
        obj=box,
        after=snapshot(verification, ["papers_counted", "bpa_issued", "variance", "explanation"]),
    )
    return verification


@transaction.atomic
def variance_resolve(
    *, acting_user: User | None, verification: Verification, resolution: str, explanation: str = ""
) -> Verification:
    """The Returning Officer's acceptance of a box's variance, with its explanation (elections.md
    §7.1: the verification statement records expected against counted and explains variances)."""
    verification = Verification.objects.select_for_update().select_related("box__session").get(pk=verification.pk)
    session = _lock_session(verification.box.session)
    _not_declared(session)
    if session.verification_finalised_at is not None:
        raise ValidationError("The verification statement is finalised")
    latest = verification.box.verifications.order_by("-entered_at", "-id").first()
    if latest is None or latest.pk != verification.pk:
        raise ValidationError("A later count of this box stands: resolve that one")
    if verification.variance == 0:
        raise ValidationError("This box reconciles: there is no variance to resolve")
    if verification.resolved_at is not None:
        raise ValidationError("This variance has already been resolved")
    explanation = _text(explanation, 2000) or verification.explanation
    errors = {}
    if not explanation:
        errors["explanation"] = "Explain the variance: what the checks found"
    if not _text(resolution, 2000):
        errors["resolution"] = "Record the decision on the variance"
    if errors:
        raise ValidationError(errors)
    before = snapshot(verification, ["explanation", "resolution", "resolved_at"])
    verification.explanation = explanation
    verification.resolution = _text(resolution, 2000)
    verification.resolved_by = _user(acting_user)
    verification.resolved_at = timezone.now()
    verification.save(update_fields=["explanation", "resolution", "resolved_by", "resolved_at"])
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action="counting.variance.resolve",
        obj=verification,
        before=before,
        after=snapshot(verification, ["explanation", "resolution", "resolved_at", "variance"]),
        reason=verification.resolution,
    )
    return verification


@transaction.atomic
def verification_finalise(*, acting_user: User | None, session: CountSession) -> CountSession:
    """Finalise the verification statement; the count (round 1) can then begin. Refused while any
    box is missing, unverified, or has a variance not explained and resolved."""
    session = _lock_session(session)
    _not_declared(session)
    if session.verification_finalised_at is not None:
        raise ValidationError("The verification statement is already finalised")
    statement = selectors.verification_statement(session)
    if statement["problems"]:
        raise ValidationError(statement["problems"])
    session.verification_totals = selectors.statement_snapshot(statement)
    session.verification_finalised_at = timezone.now()
    session.verification_finalised_by = _user(acting_user)
    session.state = CountState.COUNTING
    session.save(
        update_fields=["verification_totals", "verification_finalised_at", "verification_finalised_by", "state"]
    )
    CountRound.objects.create(authority_id=session.authority_id, session=session, number=1)
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action="counting.verification.finalise",
        obj=session,
        after={"totals": session.verification_totals["total"], "postal": session.verification_totals["postal"]},
    )
    return session


@transaction.atomic
def electorate_set(
    *, acting_user: User | None, ballot: Ballot, electorate: int | None = None, on: dt.date | None = None
) -> CountSession:
    """The electorate for turnout: counted from the register (the register as at the last day for
    the notice of election, elections.md §7.4) or, if given, the figure an officer entered."""
    ballot = Ballot.objects.select_related("group").get(pk=ballot.pk)
    _check_contested(ballot)
    session = _session_for(ballot)
    _not_declared(session)
    before = snapshot(session, ["electorate", "electorate_date", "electorate_source"])
    if electorate is None:
        counted, day = selectors.register_electorate(ballot, on)
        if counted < 1:
            raise ValidationError(
                {"electorate": "The register has no electors in this ballot's polling districts: enter the figure"}
            )
        session.electorate, session.electorate_date = counted, day
        session.electorate_source = ElectorateSource.COMPUTED
    else:
        if isinstance(electorate, bool) or not isinstance(electorate, int) or electorate < 1:
            raise ValidationError({"electorate": "Enter the electorate as a whole number, 1 or more"})
        session.electorate = electorate
        session.electorate_date = on or selectors.register_date(ballot)
        session.electorate_source = ElectorateSource.ENTERED
    session.save(update_fields=["electorate", "electorate_date", "electorate_source"])
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action="counting.electorate.set",
        obj=session,
        before=before,
        after=snapshot(session, ["electorate", "electorate_date", "electorate_source"]),
    )
    return session


# ---- the count -----------------------------------------------------------------------------------


def _labels(candidates: list[Candidate]) -> dict[str, int]:
    names = law.labels_for([selectors.candidate_name(c) for c in candidates])
    return {label: c.pk for label, c in zip(names, candidates, strict=True)}


def _run(session: CountSession, count_round: CountRound, seed: int | None) -> law.Outcome:
    """Run the count engine on the round's figures (or its preference file)."""
    ballot = session.ballot
    if count_round.method == CountMethod.BLT:
        election = law.read_preferences(count_round.source_text.encode("utf-8"))
        return law.count_preferences(ballot.group.nation, election, seed=seed)
    if ballot.voting_system == "referendum":
        return law.count_answers({o.label: o.votes for o in count_round.options.order_by("position", "id")})
    if ballot.voting_system == "dhondt":
        votes, lists = _list_figures(count_round)
        return law.count_lists(votes, lists, ballot.seats, seed=seed)
    by_id = dict(count_round.labels)
    rows = {e.candidate_id: e for e in count_round.entries.all()}
    votes = {label: rows[cid].votes for label, cid in by_id.items()}
    second = {label: rows[cid].second_preferences or 0 for label, cid in by_id.items()}
    verified = session.verification_totals.get("total", {}).get("counted")
    return law.count_totals(
        ballot.voting_system,
        votes,
        ballot.seats,
        second=second if ballot.voting_system == "sv" else None,
        ballot_papers=verified if ballot.voting_system == "fptp" else None,
        seed=seed,
    )


def _list_figures(count_round: CountRound) -> tuple[dict[str, int], dict[str, list[str]]]:
    """A closed-list round's figures for the engine: votes for each party list (``CountOption``)
    and individual candidate (``CountEntry``), and each one's candidates in list order."""
    label_of = {int(cid): label for label, cid in count_round.labels.items()}
    entries = {e.candidate_id: e.votes for e in count_round.entries.all()}
    votes: dict[str, int] = {}
    lists: dict[str, list[str]] = {}
    for option in count_round.options.filter(kind=OptionKind.PARTY_LIST).order_by("position", "id"):
        votes[option.label] = option.votes
        lists[option.label] = []
    candidates = Candidate.objects.filter(pk__in=label_of)
    for candidate in sorted(candidates, key=lambda c: (c.list_position or 0, label_of[c.pk])):
        label = label_of[candidate.pk]
        if candidate.pk in entries:  # an individual candidate: a list of one
            votes[label] = entries[candidate.pk]
            lists[label] = [label]
        else:
            lists.setdefault(candidate.party_name, []).append(label)
    return votes, lists


def _apply(count_round: CountRound, outcome: law.Outcome | None, needs_lot: str = "") -> None:
    if outcome is None:
        count_round.elected, count_round.tie_breaks, count_round.report = [], [], {}
    else:
        count_round.elected = [count_round.labels[label] for label in outcome.elected]
        count_round.tie_breaks = outcome.tie_breaks
        count_round.report = outcome.report
    count_round.needs_lot = needs_lot[:500]


def _check_counting(session: CountSession, count_round: CountRound) -> None:
    _not_declared(session)
    if session.state != CountState.COUNTING:
        raise ValidationError("The count is not open for figures: finalise verification, or grant a recount")
    if count_round.entered:
        raise ValidationError(
            f"The figures of the {str(count_round).lower()} are entered: a recount starts a new count"
        )


@transaction.atomic
def count_figures_record(
    *,
    acting_user: User | None,
    count_round: CountRound,
    votes: Mapping[int, int],
    second_preferences: Mapping[int, int] | None = None,
) -> CountRound:
    """Enter the round's totals per candidate (first past the post; the supplementary vote with
    second preferences) and compute the provisional result. A tie the law leaves to lot stops
    the result until the Returning Officer draws it (``lot_draw``)."""
    session, count_round = _lock_round(count_round)
    _check_counting(session, count_round)
    ballot = session.ballot
    if ballot.voting_system not in ("fptp", "sv"):
        raise ValidationError(
            {
                "stv": "Upload the preference file for an STV count",
                "referendum": "A referendum is counted by the votes for each answer",
                "dhondt": "A closed-list ballot is counted by the votes for each party list and individual candidate",
            }.get(
                ballot.voting_system,
                f"Counts of {ballot.get_voting_system_display()} ballots are not entered here: use `ems count`",
            )
        )
    candidates = selectors.standing_candidates(ballot)
    missing = [selectors.candidate_name(c) for c in candidates if c.pk not in votes]
    if missing:
        raise ValidationError({"votes": f"Enter the votes for {', '.join(missing)}"})
    unknown = set(votes) - {c.pk for c in candidates}
    if unknown:
        raise ValidationError({"votes": "Votes were given for someone who is not a candidate at this ballot"})
    seconds = dict(second_preferences or {})
    for value in [*votes.values(), *seconds.values()]:
        _papers(value, "votes")
    count_round.method = CountMethod.TOTALS
    count_round.labels = _labels(candidates)
    CountEntry.objects.bulk_create(
        [
            CountEntry(
                authority_id=session.authority_id,
                round=count_round,
                candidate=c,
                votes=votes[c.pk],
                second_preferences=seconds.get(c.pk) if ballot.voting_system == "sv" else None,
            )
            for c in candidates
        ]
    )
    _compute_and_save(acting_user, session, count_round, "counting.count.record")
    return count_round


@transaction.atomic
def count_answers_record(*, acting_user: User | None, count_round: CountRound, votes: Mapping[str, int]) -> CountRound:
    """Enter a referendum round's votes for each answer ("Yes", "No"; ``CountOption`` rows) and
    compute the provisional result: the answer with a majority of the valid votes, or none when
    they are equal (no lot is drawn in a referendum). Rejected papers are adjudicated as at any
    count (``doubtful_papers_adjudicate``)."""
    session, count_round = _lock_round(count_round)
    _check_counting(session, count_round)
    ballot = session.ballot
    if ballot.voting_system != "referendum":
        raise ValidationError("Only a referendum is counted by the votes for each answer")
    answers = law.REFERENDUM_ANSWERS
    missing = [a for a in answers if a not in votes]
    if missing:
        raise ValidationError({"votes": f"Enter the votes for {' and '.join(missing)}"})
    if set(votes) - set(answers):
        raise ValidationError({"votes": f"A referendum's answers are {' and '.join(answers)}"})
    for value in votes.values():
        _papers(value, "votes")
    count_round.method = CountMethod.TOTALS
    count_round.labels = {}
    CountOption.objects.bulk_create(
        [
            CountOption(
                authority_id=session.authority_id,
                round=count_round,
                kind=OptionKind.ANSWER,
                label=answer,
                position=i,
                votes=votes[answer],
            )
            for i, answer in enumerate(answers, start=1)
        ]
    )
    _compute_and_save(acting_user, session, count_round, "counting.count.record")
    return count_round


@transaction.atomic
def count_lists_record(
    *,
    acting_user: User | None,
    count_round: CountRound,
    list_votes: Mapping[str, int],
    candidate_votes: Mapping[int, int] | None = None,
) -> CountRound:
    """Enter a closed-list (D'Hondt) round's votes: for each party list by the party's name
    (``CountOption`` rows) and for each individual candidate by id (``CountEntry`` rows). The
    seats go to the lists by D'Hondt and, within a list, to its candidates in list-position
    order; a tie the law leaves to lot stops the result until the Returning Officer draws it."""
    session, count_round = _lock_round(count_round)
    _check_counting(session, count_round)
    ballot = session.ballot
    if ballot.voting_system != "dhondt":
        raise ValidationError("Only a closed-list ballot is counted by party list")
    options = selectors.list_options(ballot)
    parties = [o.party for o in options if o.party]
    individuals = [o.members[0] for o in options if not o.party]
    given = dict(candidate_votes or {})
    missing = [p for p in parties if p not in list_votes] + [
        selectors.candidate_name(c) for c in individuals if c.pk not in given
    ]
    if missing:
        raise ValidationError({"votes": f"Enter the votes for {', '.join(missing)}"})
    if set(list_votes) - set(parties) or set(given) - {c.pk for c in individuals}:
        raise ValidationError({"votes": "Votes were given for a list or candidate not standing at this ballot"})
    for value in [*list_votes.values(), *given.values()]:
        _papers(value, "votes")
    members = [c for o in options for c in o.members]
    labels = _labels(members)
    clash = set(parties) & {label for label, cid in labels.items() if cid in {c.pk for c in individuals}}
    if clash:
        raise ValidationError(f"An individual candidate has the same name as a party list: {', '.join(sorted(clash))}")
    count_round.method = CountMethod.TOTALS
    count_round.labels = labels
    CountOption.objects.bulk_create(
        [
            CountOption(
                authority_id=session.authority_id,
                round=count_round,
                kind=OptionKind.PARTY_LIST,
                label=party,
                position=i,
                votes=list_votes[party],
            )
            for i, party in enumerate(parties, start=1)
        ]
    )
    CountEntry.objects.bulk_create(
        [
            CountEntry(authority_id=session.authority_id, round=count_round, candidate=c, votes=given[c.pk])
            for c in individuals
        ]
    )
    _compute_and_save(acting_user, session, count_round, "counting.count.record")
    return count_round


def _compute_and_save(acting_user: User | None, session: CountSession, count_round: CountRound, action: str) -> None:
    needs_lot = ""
    try:
        outcome: law.Outcome | None = _run(session, count_round, count_round.seed)
    except law.LotNeeded as error:
        outcome, needs_lot = None, str(error)
    except law.LawError as error:
        raise ValidationError(str(error)) from error
    _apply(count_round, outcome, needs_lot)
    count_round.entered_by = _user(acting_user)
    count_round.entered_at = timezone.now()
    count_round.save()
    session.state = CountState.PROVISIONAL
    session.save(update_fields=["state"])
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action=action,
        obj=count_round,
        after={
            "round": count_round.number,
            "votes": dict(outcome.first) if outcome else {},
            "elected": count_round.elected,
            "tie_breaks": count_round.tie_breaks,
            "needs_lot": count_round.needs_lot,
            "source_sha256": count_round.source_sha256,
        },
    )


@transaction.atomic
def count_preferences_import(
    *, acting_user: User | None, count_round: CountRound, content: bytes, filename: str = ""
) -> CountRound:
    """An STV count from the e-count's ballot-level preference file (BLT), counted by
    ``ems_rules.count``; the stage report is stored with the round, and the file kept."""
    session, count_round = _lock_round(count_round)
    _check_counting(session, count_round)
    ballot = session.ballot
    if ballot.voting_system != "stv":
        raise ValidationError("A preference file is for STV ballots: enter the totals per candidate")
    try:
        election = law.read_preferences(content)
    except law.LawError as error:
        raise ValidationError({"file": str(error)}) from error
    candidates = selectors.standing_candidates(ballot)
    by_name = {_name_key(c.ballot_name[1] + " " + c.ballot_name[0]): c for c in candidates}
    by_name.update({_name_key(f"{c.ballot_name[0]} {c.ballot_name[1]}"): c for c in candidates})
    by_name.update({_name_key(selectors.candidate_name(c)): c for c in candidates})
    labels: dict[str, int] = {}
    unmatched = []
    for name in law.preference_names(election):
        candidate = by_name.get(_name_key(name))
        if candidate is None:
            unmatched.append(name)
        else:
            labels[name] = candidate.pk
    if unmatched:
        raise ValidationError({"file": f"The file names people who are not candidates here: {', '.join(unmatched)}"})
    if election.seats != ballot.seats:
        raise ValidationError({"file": f"The file is for {election.seats} seats; this ballot has {ballot.seats}"})
    missing = [selectors.candidate_name(c) for c in candidates if c.pk not in labels.values()]
    if missing:
        raise ValidationError({"file": f"The file leaves out {', '.join(missing)}"})
    text = law.preference_text(content)
    count_round.method = CountMethod.BLT
    count_round.source_name = _clean(filename, 200)
    count_round.source_sha256 = hashlib.sha256(content).hexdigest()
    count_round.source_text = text
    count_round.labels = labels
    first = dict.fromkeys(election.names, 0)
    for paper in election.ballots:
        first[election.names[paper.preferences[0]]] += paper.weight
    CountEntry.objects.bulk_create(
        [
            CountEntry(authority_id=session.authority_id, round=count_round, candidate_id=cid, votes=first[label])
            for label, cid in labels.items()
        ]
    )
    if election.blank_papers:
        DoubtfulPaper.objects.create(
            authority_id=session.authority_id,
            round=count_round,
            decision=Adjudication.REJECTED,
            head=RejectionHead.UNMARKED,
            papers=election.blank_papers,
            note="Papers with no preference for a standing candidate in the e-count file",
            decided_by=_user(acting_user),
            decided_at=timezone.now(),
        )
    _compute_and_save(acting_user, session, count_round, "counting.count.import")
    return count_round


def _name_key(name: str) -> str:
    return " ".join(name.replace(",", " ").casefold().split())


@transaction.atomic
def lot_draw(*, acting_user: User | None, count_round: CountRound, seed: int | None = None) -> CountRound:
    """Decide an equality of votes by lot (elections.md §7.3): the Returning Officer records the
    seed (for example the number on the lot drawn in front of the agents; blank: the system draws
    one and records it), and the count runs again with it. The same seed always gives the same
    outcome, so the draw can be checked and reproduced."""
    session, count_round = _lock_round(count_round)
    _not_declared(session)
    if not count_round.needs_lot:
        raise ValidationError("No tie in this count needs to be decided by lot")
    if seed is None:
        seed = secrets.randbelow(10**9)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 10**15:
        raise ValidationError({"seed": "Enter the lot's number: a whole number from 0 to 999,999,999,999,999"})
    count_round.seed = seed
    try:
        outcome = _run(session, count_round, seed)
    except law.LawError as error:
        raise ValidationError(str(error)) from error
    _apply(count_round, outcome)
    count_round.save(update_fields=["seed", "elected", "tie_breaks", "report", "needs_lot"])
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action="counting.lot.draw",
        obj=count_round,
        after={"seed": seed, "tie_breaks": count_round.tie_breaks, "elected": count_round.elected},
    )
    return count_round


@transaction.atomic
def doubtful_papers_adjudicate(
    *,
    acting_user: User | None,
    count_round: CountRound,
    decision: str,
    head: str = "",
    papers: int = 1,
    objected: bool = False,
    note: str = "",
) -> DoubtfulPaper:
    """The Returning Officer's decision on doubtful papers, under the statutory heads for rejection
    (elections.md §7.2); ``papers`` alike may be decided together."""
    session, count_round = _lock_round(count_round)
    _not_declared(session)
    if session.state not in (CountState.COUNTING, CountState.PROVISIONAL):
        raise ValidationError("Doubtful papers are adjudicated during the count")
    errors = {}
    if decision not in Adjudication.values:
        errors["decision"] = "Choose whether the papers are accepted, rejected or rejected in part"
    elif decision == Adjudication.REJECTED and head not in RejectionHead.values:
        errors["head"] = "Choose the reason the papers are rejected"
    elif decision != Adjudication.REJECTED and head:
        head = ""
    if isinstance(papers, bool) or not isinstance(papers, int) or papers < 1 or papers > MAX_PAPERS:
        errors["papers"] = "Enter the number of papers, 1 or more"
    if objected and decision == Adjudication.ACCEPTED:
        errors["objected"] = "Only a rejection can be objected to"
    if errors:
        raise ValidationError(errors)
    paper = DoubtfulPaper.objects.create(
        authority_id=session.authority_id,
        round=count_round,
        decision=decision,
        head=head,
        papers=papers,
        objected=objected,
        note=_clean(note, 300),
        decided_by=_user(acting_user),
        decided_at=timezone.now(),
    )
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action="counting.doubtful.adjudicate",
        obj=paper,
        after={**snapshot(paper, ["decision", "head", "papers", "objected", "note"]), "round": count_round.number},
    )
    return paper


# ---- recounts ------------------------------------------------------------------------------------


@transaction.atomic
def recount_request(
    *,
    acting_user: User | None,
    session: CountSession,
    requested_by: str,
    reason: str,
    candidate: Candidate | None = None,
    requested_at: dt.datetime | None = None,
) -> Recount:
    """A candidate's or agent's request for a recount (or further recount) after the provisional
    result, or the Returning Officer's own (elections.md §7.3)."""
    session = _lock_session(session)
    _same_authority(session.authority_id, candidate)
    _not_declared(session)
    if session.state != CountState.PROVISIONAL:
        raise ValidationError("A recount can be asked for once the provisional result is known")
    if session.recounts.filter(decision=RecountDecision.PENDING).exists():
        raise ValidationError("A request for a recount is already waiting for the Returning Officer's decision")
    if candidate is not None and candidate.ballot_id != session.ballot_id:
        raise ValidationError({"candidate": "That person is not a candidate at this ballot"})
    errors = {}
    if not _clean(requested_by, 200):
        errors["requested_by"] = "Enter who asked for the recount"
    if not _text(reason, 2000):
        errors["reason"] = "Enter the reason given for the recount"
    if errors:
        raise ValidationError(errors)
    recount = Recount.objects.create(
        authority_id=session.authority_id,
        session=session,
        after_round=_current_round(session),
        requested_by=_clean(requested_by, 200),
        candidate=candidate,
        reason=_text(reason, 2000),
        requested_at=_when(requested_at),
        recorded_by=_user(acting_user),
    )
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action="counting.recount.request",
        obj=recount,
        after=snapshot(recount, ["requested_by", "candidate_id", "reason", "after_round_id"]),
    )
    return recount


@transaction.atomic
def recount_decide(*, acting_user: User | None, recount: Recount, grant: bool, reason: str = "") -> Recount:
    """The Returning Officer grants the recount (a new count round; the earlier figures stay) or
    refuses it as unreasonable, with the reason (elections.md §7.3)."""
    recount = Recount.objects.select_for_update().get(pk=recount.pk)
    session = _lock_session(recount.session)
    _not_declared(session)
    if recount.decision != RecountDecision.PENDING:
        raise ValidationError("This request has already been decided")
    reason = _text(reason, 2000)
    if not grant and not reason:
        raise ValidationError({"reason": "Give the reason for refusing the recount"})
    recount.decision = RecountDecision.GRANTED if grant else RecountDecision.REFUSED
    recount.decision_reason = reason
    recount.decided_by = _user(acting_user)
    recount.decided_at = timezone.now()
    if grant:
        previous = _current_round(session)
        new_round = CountRound.objects.create(
            authority_id=session.authority_id, session=session, number=previous.number + 1
        )
        # Adjudications stand unless the recount revisits them: carried forward as new rows.
        for paper in previous.doubtful_papers.all():
            DoubtfulPaper.objects.create(
                authority_id=paper.authority_id,
                round=new_round,
                decision=paper.decision,
                head=paper.head,
                papers=paper.papers,
                objected=paper.objected,
                note=paper.note,
                carried_from=paper,
                decided_by=paper.decided_by,
                decided_at=paper.decided_at,
            )
        recount.new_round = new_round
        session.state = CountState.COUNTING
        session.save(update_fields=["state"])
    recount.save()
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action=f"counting.recount.{'grant' if grant else 'refuse'}",
        obj=recount,
        before={"decision": RecountDecision.PENDING},
        after={"decision": recount.decision, "new_round": recount.new_round_id},
        reason=reason,
    )
    return recount


# ---- the declaration -------------------------------------------------------------------------------


@transaction.atomic
def result_declare(
    *, acting_user: User | None, session: CountSession, declared_at: dt.datetime | None = None
) -> Declaration:
    """Declare the result: the figures of the current count are kept as declared, the ballot is
    declared, each candidate elected or not, deposits returned or forfeited, and the spending
    returns' due dates set."""
    session = _lock_session(session)
    _not_declared(session)
    ballot = Ballot.objects.select_for_update().select_related("group").get(pk=session.ballot_id)
    if ballot.voting_system == "referendum":
        if ballot.status not in REFERENDUM_COUNTABLE_STATUSES:
            raise ValidationError("Only a referendum polled after its notice of referendum can be declared")
    elif ballot.status not in COUNTABLE_STATUSES:
        raise ValidationError("Only a ballot polled after its statement of persons nominated can be declared")
    if session.state != CountState.PROVISIONAL:
        raise ValidationError("There is no provisional result to declare")
    count_round = _current_round(session)
    if count_round.needs_lot:
        raise ValidationError("A tie must first be decided by lot")
    if session.recounts.filter(decision=RecountDecision.PENDING).exists():
        raise ValidationError("Decide the request for a recount first")
    if session.electorate is None:
        raise ValidationError("Record the electorate first: it gives the turnout")
    figures = selectors.result_figures(session, count_round)
    if figures["reconcile"]:
        raise ValidationError(figures["reconcile"])
    when = _when(declared_at)
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"declared_at": "The declaration cannot be in the future"})
    if timezone.localtime(when).date() < ballot.group.poll_date:
        raise ValidationError({"declared_at": "The result cannot be declared before polling day"})
    declaration = Declaration.objects.create(
        authority_id=session.authority_id,
        session=session,
        round=count_round,
        declared_at=when,
        declared_by=_user(acting_user),
        figures=figures,
        electorate=session.electorate,
        ballot_papers=figures["ballot_papers"],
        valid_papers=figures["valid_papers"],
        rejected=figures["rejected"]["total"],
        turnout_ballot_papers=law.turnout_percent(figures["ballot_papers"], session.electorate),
        turnout_valid=law.turnout_percent(figures["valid_papers"], session.electorate),
    )
    elected = set(count_round.elected)
    standing = selectors.standing_candidates(ballot)
    Candidate.objects.filter(pk__in=[c.pk for c in standing if c.pk in elected]).update(status=CandidateStatus.ELECTED)
    Candidate.objects.filter(pk__in=[c.pk for c in standing if c.pk not in elected]).update(
        status=CandidateStatus.NOT_ELECTED
    )
    before_status = ballot.status
    ballot.status = BallotStatus.DECLARED
    ballot.declared_at = when
    ballot.save(update_fields=["status", "declared_at"])
    session.state = CountState.DECLARED
    session.save(update_fields=["state"])
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action="counting.result.declare",
        obj=declaration,
        before={"ballot_status": before_status},
        after={
            "ballot": ballot.dc_ballot_id,
            "round": count_round.number,
            "elected": figures["elected"],
            "votes": selectors.votes_declared(figures),
            "rejected": figures["rejected"]["total"],
            "turnout_ballot_papers": str(declaration.turnout_ballot_papers),
            "turnout_valid": str(declaration.turnout_valid),
            "seed": count_round.seed,
        },
    )
    _deposits_settle(acting_user, session, declaration)
    _returns_open(session, declaration)
    return declaration


def _deposits_settle(acting_user: User | None, session: CountSession, declaration: Declaration) -> list[Deposit]:
    ballot = session.ballot
    group = ballot.group
    if ballot.voting_system in ("dhondt", "referendum"):
        # A referendum has no candidates and no deposits. At a closed-list ballot the deposit is
        # paid per party list or individual candidate, and its return turns on the list's share of
        # the votes: the per-candidate rule below would forfeit every list candidate's deposit (a
        # list candidate has no votes of their own). Such deposits are left held, to be settled by
        # hand (``elections.services.deposit_return`` / ``deposit_forfeit``) until that rule is modelled.
        return []
    contest = law.contest_for(group.election_type, ballot.voting_system)
    valid_votes = int(declaration.figures["valid_votes"])
    threshold = law.deposit_threshold(group.election_type, group.nation, group.poll_date, contest=contest)
    votes = {c["id"]: (c["votes"] or 0, c["elected"]) for c in declaration.figures["candidates"]}
    settled = []
    held = Deposit.objects.select_for_update().filter(candidate__ballot=ballot, state=DepositState.HELD)
    for deposit in held.select_related("candidate"):
        mine, elected = votes.get(deposit.candidate_id, (0, False))
        try:
            returned = law.deposit_returned(
                mine, valid_votes, group.election_type, group.nation, group.poll_date, contest=contest, elected=elected
            )
        except law.LawError as error:
            raise ValidationError(f"Deposit of {deposit.candidate}: {error}") from error
        share = law.turnout_percent(mine, valid_votes)
        before = snapshot(deposit, ["state", "settled_on"])
        deposit.state = DepositState.RETURNED if returned else DepositState.FORFEITED
        deposit.settled_on = timezone.localtime(declaration.declared_at).date()
        deposit.save(update_fields=["state", "settled_on"])
        audit_record(
            actor=acting_user,
            authority=deposit.authority,
            action=f"counting.deposit.{'return' if returned else 'forfeit'}",
            obj=deposit,
            before=before,
            after=snapshot(deposit, ["state", "settled_on"]),
            reason=f"{mine:,} of {valid_votes:,} valid votes ({share}%); returned above {threshold or 'the threshold'}",
        )
        settled.append(deposit)
    return settled


@transaction.atomic
def deposits_settle(*, acting_user: User | None, session: CountSession) -> list[Deposit]:
    """Return or forfeit any deposit still held at a declared ballot, by the declared votes
    (``result_declare`` does this itself; this catches a deposit recorded late)."""
    session = _lock_session(session)
    declaration = Declaration.objects.filter(session=session).first()
    if declaration is None:
        raise ValidationError("The result has not been declared")
    settled = _deposits_settle(acting_user, session, declaration)
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action="counting.deposits.settle",
        obj=session,
        after={"deposits": [(d.candidate_id, d.state) for d in settled]},
    )
    return settled


def _returns_open(session: CountSession, declaration: Declaration) -> None:
    """The spending returns tracker: each candidate's return is due by the law's deadline."""
    ballot = session.ballot
    group = ballot.group
    contest = law.spending_contest(group.election_type, ballot.voting_system)
    try:
        due = law.return_due(
            group.election_type,
            timezone.localtime(declaration.declared_at).date(),
            poll_date=group.poll_date,
            contest=contest,
        )
    except law.LawError:
        return  # no spending return is recorded for this kind of poll (a referendum, say)
    for candidate in selectors.standing_candidates(ballot):
        ExpenseReturn.objects.get_or_create(
            candidate=candidate, defaults={"authority_id": candidate.authority_id, "due_on": due}
        )
