"""Writes for candidates' spending: limits, the returns tracker and the notice of inspection
(elections.md §8.2, §8.3). Each runs in one transaction with its audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ems.audit.services import audit_record, snapshot
from ems.elections.models import Ballot, Candidate

from . import law, selectors
from .models import CountSession, CountState, Declaration, ExpenseReturn, InspectionNotice, SpendingLimit

if TYPE_CHECKING:
    from ems.accounts.models import User

_LIMIT_FIELDS = ["electorate", "electorate_date", "joint_candidates", "limit_pence", "facts"]
_RETURN_FIELDS = [
    "return_received_on",
    "agent_declaration_received_on",
    "candidate_declaration_received_on",
    "candidate_declaration_due_on",
    "note",
]


def _user(acting_user: User | None) -> User | None:
    return acting_user if acting_user is not None and acting_user.pk else None


def _clean(text: str | None, limit: int) -> str:
    return " ".join(str(text or "").split())[:limit]


@transaction.atomic
def spending_limits_calculate(
    *,
    acting_user: User | None,
    ballot: Ballot,
    joint_candidates: Mapping[int, int] | None = None,
    constituency_type: str | None = None,
    police_area: str | None = None,
    constituent_councils: int | None = None,
    electorate: int | None = None,
) -> list[SpendingLimit]:
    """Each standing candidate's spending limit (``ems_rules.spending``), from the electorate in the
    register as it stood on the last day for publication of the notice of election (RPA 1983
    s.76(4)), counted from the register unless an officer gives the figure."""
    ballot = Ballot.objects.select_related("group").get(pk=ballot.pk)
    group = ballot.group
    candidates = selectors.standing_candidates(ballot)
    if not candidates:
        raise ValidationError("No candidates stand at this ballot yet: publish the statement of persons nominated")
    on = selectors.register_date(ballot)
    if electorate is None:
        electorate, on = selectors.register_electorate(ballot, on)
    elif isinstance(electorate, bool) or not isinstance(electorate, int) or electorate < 0:
        raise ValidationError({"electorate": "Enter the electorate as a whole number"})
    joint = dict(joint_candidates or {})
    contest = law.spending_contest(group.election_type, ballot.voting_system)
    facts = {
        "constituency_type": constituency_type or None,
        "police_area": police_area or None,
        "contest": contest,
        "constituent_councils": constituent_councils,
    }
    made = []
    for candidate in candidates:
        together = joint.get(candidate.pk, 1)
        try:
            pence = law.spending_limit_pence(
                group.election_type,
                group.poll_date,
                electorate,
                nation=group.nation,
                joint_candidates=together,
                constituency_type=constituency_type or None,
                police_area=police_area or None,
                contest=contest,
                constituent_councils=constituent_councils,
            )
        except law.LawError as error:
            raise ValidationError(str(error)) from error
        existing = SpendingLimit.objects.select_for_update().filter(candidate=candidate).first()
        before = snapshot(existing, _LIMIT_FIELDS) if existing is not None else None
        limit = existing or SpendingLimit(authority_id=candidate.authority_id, candidate=candidate)
        limit.electorate, limit.electorate_date, limit.joint_candidates = electorate, on, together
        limit.limit_pence, limit.facts = pence, facts
        limit.calculated_at, limit.calculated_by = timezone.now(), _user(acting_user)
        limit.save()
        audit_record(
            actor=acting_user,
            authority=candidate.authority,
            action="counting.spending_limit.calculate",
            obj=limit,
            before=before,
            after={**snapshot(limit, _LIMIT_FIELDS), "limit": law.format_pounds(pence)},
        )
        made.append(limit)
    return made


def _day(value: dt.date | None, name: str, today: dt.date) -> dt.date | None:
    if value is not None and value > today:
        raise ValidationError({name: "The date cannot be in the future"})
    return value


@transaction.atomic
def expense_return_record(
    *,
    acting_user: User | None,
    candidate: Candidate,
    return_received_on: dt.date | None = None,
    agent_declaration_received_on: dt.date | None = None,
    candidate_declaration_received_on: dt.date | None = None,
    note: str = "",
) -> ExpenseReturn:
    """Record the delivery of a candidate's spending return and the declarations (the agent's with
    the return; the candidate's within 7 working days after it, ``law.candidate_declaration_due``)."""
    ret = (
        ExpenseReturn.objects.select_for_update()
        .select_related("candidate__ballot__group")
        .filter(candidate=candidate)
        .first()
    )
    if ret is None:
        raise ValidationError("Returns are tracked once the result is declared")
    today = timezone.localdate()
    received = _day(return_received_on, "return_received_on", today)
    agent = _day(agent_declaration_received_on, "agent_declaration_received_on", today)
    own = _day(candidate_declaration_received_on, "candidate_declaration_received_on", today)
    declared = Declaration.objects.filter(session__ballot_id=ret.candidate.ballot_id).first()
    declared_on = timezone.localtime(declared.declared_at).date() if declared is not None else None
    for name, value in (
        ("return_received_on", received),
        ("agent_declaration_received_on", agent),
        ("candidate_declaration_received_on", own),
    ):
        if value is not None and declared_on is not None and value < declared_on:
            raise ValidationError({name: "The date cannot be before the result was declared"})
    before = snapshot(ret, _RETURN_FIELDS)
    ret.return_received_on = received
    ret.agent_declaration_received_on = agent
    ret.candidate_declaration_received_on = own
    ret.candidate_declaration_due_on = (
        law.candidate_declaration_due(received, ret.candidate.ballot.group.nation) if received is not None else None
    )
    ret.note = _clean(note, 300)
    ret.save()
    audit_record(
        actor=acting_user,
        authority=ret.authority,
        action="counting.expense_return.record",
        obj=ret,
        before=before,
        after=snapshot(ret, _RETURN_FIELDS),
    )
    return ret


@transaction.atomic
def inspection_notice_publish(
    *,
    acting_user: User | None,
    session: CountSession,
    place: str,
    times: str,
    published_on: dt.date | None = None,
) -> InspectionNotice:
    """The Returning Officer's notice of the time and place at which returns and declarations may be
    inspected: within 10 days after the end of the time for delivering them (RPA 1983 s.88)."""
    session = CountSession.objects.select_for_update().select_related("ballot__group").get(pk=session.pk)
    if session.state != CountState.DECLARED:
        raise ValidationError("The notice of inspection follows the declaration of the result")
    if InspectionNotice.objects.filter(session=session).exists():
        raise ValidationError("The notice of inspection is already published")
    errors = {}
    if not _clean(place, 400):
        errors["place"] = "Enter where the returns can be inspected"
    if not _clean(times, 200):
        errors["times"] = "Enter when the returns can be inspected"
    if errors:
        raise ValidationError(errors)
    group = session.ballot.group
    declaration = Declaration.objects.get(session=session)
    try:
        due = law.inspection_notice_due(
            group.election_type,
            timezone.localtime(declaration.declared_at).date(),
            poll_date=group.poll_date,
            contest=law.spending_contest(group.election_type, session.ballot.voting_system),
        )
    except law.LawError as error:
        raise ValidationError(str(error)) from error
    notice = InspectionNotice.objects.create(
        authority_id=session.authority_id,
        session=session,
        due_by=due,
        place=_clean(place, 400),
        times=_clean(times, 200),
        published_on=published_on or timezone.localdate(),
        published_by=_user(acting_user),
    )
    audit_record(
        actor=acting_user,
        authority=session.authority,
        action="counting.inspection_notice.publish",
        obj=notice,
        after=snapshot(notice, ["due_by", "place", "times", "published_on"]),
    )
    return notice
