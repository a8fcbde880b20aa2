"""Every write of the elections app: set-up, timetable, nominations, decisions and publication.

Each service runs in one transaction with its audit row, takes keyword-only arguments and the
acting user, and raises ``ValidationError`` (nothing written) when the law or the state of the
poll does not allow the change. The law itself is called through ``law.py``.

Nominations follow elections.md §3: papers are accepted only between the notice of election
and the close of nominations; each subscriber is checked against the register in force on the
last day for the notice of election (``selectors.register_date``); the Returning Officer's
decision on each paper is a ``ValidityDecision``; withdrawals are refused after their deadline;
the SOPN lists candidates alphabetically (at a closed-list ballot, party by party in list
order); and a ballot with no more candidates standing than seats is returned without a poll.
A referendum has a question and no candidates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ems.audit.services import audit_record, snapshot
from ems.core.models import Nation
from ems.geography.models import ElectoralArea
from ems.register.models import Elector
from ems.register.selectors import iter_register_as_at, parse_register_query
from ems_rules.franchise import age_on

from . import ids, law, selectors
from .models import (
    Affiliation,
    Ballot,
    BallotStatus,
    Candidate,
    CandidateStatus,
    CombinedFunction,
    CombinedPoll,
    Deposit,
    DepositMethod,
    DepositState,
    ElectionAgent,
    ElectionGroup,
    ElectionType,
    NominationPaper,
    NoticeKind,
    NoticeTemplate,
    PaperStatus,
    Subscriber,
    SubscriberRole,
    TimetableEntry,
    ValidityDecision,
    VotingSystem,
    Withdrawal,
)

if TYPE_CHECKING:
    from ems.accounts.models import User
    from ems.core.models import Authority

_BY_ELECTION_TYPES = ("local-by", "ukp-by")
_NO_AGENT_TYPES = ("parish",)  # no election agents at parish elections (elections.md §2.2)
_OPEN_FOR_NOMINATIONS = (BallotStatus.NOTICE_PUBLISHED,)
_BEFORE_SOPN = (BallotStatus.DRAFT, BallotStatus.NOTICE_PUBLISHED, BallotStatus.NOMINATIONS_CLOSED)
MAX_SUBSCRIBERS = 400  # the largest paper in law is the Mayor of London's 330 (elections.md §3.2)
MAX_LIST = 50  # list positions allowed at a closed-list ballot (a Senedd list has at most eight: **unconfirmed**)


@dataclass(frozen=True)
class BallotSpec:
    """One ballot of a new election: its area, seats, and the casual-vacancy facts of a by-election."""

    area: ElectoralArea | None
    seats: int = 1
    title: str = ""
    is_by_election: bool | None = None  # None: from the election type
    vacancy_date: dt.date | None = None
    vacancy_notice_date: dt.date | None = None
    elector_requests: int = 0
    requested_on: dt.date | None = None
    referendum_question: str = ""  # a referendum's question, answered Yes or No (blank allowed)


@dataclass(frozen=True)
class SubscriberEntry:
    """A subscriber as written on the paper."""

    elector_number: str
    name: str = ""


# ---- helpers -------------------------------------------------------------------------------------


def _same_authority(authority_id: int, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.authority_id != authority_id:
            raise ValidationError("That record belongs to another authority")


def _clean(text: str | None, limit: int) -> str:
    return " ".join(str(text or "").split())[:limit]


def _when(value: dt.datetime | None) -> dt.datetime:
    when = value or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _moment(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    hour = local.strftime("%I:%M%p").lstrip("0").lower().replace(":00", "")
    return f"{hour} on {local.day} {local:%B %Y}"


def _lock_ballot(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update(of=("self",)).select_related("group", "area").get(pk=ballot.pk)


def _lock_candidate(candidate: Candidate) -> Candidate:
    return (
        Candidate.objects.select_for_update(of=("self",)).select_related("ballot", "ballot__group").get(pk=candidate.pk)
    )


def _check_before(group: ElectionGroup, keys: tuple[str, ...], when: dt.datetime, what: str) -> None:
    entry, due = selectors.deadline(group, *keys)
    if entry is not None and due is not None and when > due:
        raise ValidationError(f"{what} had to be delivered by {_moment(due)}; this was {_moment(when)}")


# ---- set-up: elections, ballots, timetable ------------------------------------------------------


def _ballot_create(group: ElectionGroup, spec: BallotSpec) -> Ballot:
    area = spec.area
    _same_authority(group.authority_id, area)
    if spec.seats < 1 or spec.seats > 50:
        raise ValidationError({"seats": "Enter the number of seats, from 1 to 50"})
    title = _clean(spec.title, 200) or (area.name if area is not None else group.name)
    by_election = spec.is_by_election if spec.is_by_election is not None else group.election_type in _BY_ELECTION_TYPES
    dc_id = ids.ballot_id(group, area, title, by_election)
    if Ballot.objects.filter(authority_id=group.authority_id, dc_ballot_id=dc_id).exists():
        raise ValidationError(f"There is already a ballot {dc_id}")
    window_end = None
    if by_election and spec.requested_on is not None:
        by_type = "local-by" if group.election_type == "local" else group.election_type
        window_end = law.by_election_poll_window(
            by_type, group.nation, spec.requested_on, authority_id=group.authority_id
        )
        if window_end is not None and group.poll_date > window_end:
            raise ValidationError(
                f"After a request on {_day(spec.requested_on)} the poll must be held by {_day(window_end)}"
            )
    voting_system = law.voting_system(group.election_type, group.nation, group.poll_date)
    question = str(spec.referendum_question or "").strip()[:2000]
    if question and voting_system != VotingSystem.REFERENDUM:
        raise ValidationError({"referendum_question": "Only a referendum has a question: leave it blank"})
    return Ballot.objects.create(
        authority_id=group.authority_id,
        group=group,
        area=area,
        title=title,
        seats=spec.seats,
        voting_system=voting_system,
        referendum_question=question,
        dc_ballot_id=dc_id,
        is_by_election=by_election,
        vacancy_date=spec.vacancy_date,
        vacancy_notice_date=spec.vacancy_notice_date,
        elector_requests=max(spec.elector_requests, 0),
        poll_window_end=window_end,
    )


_BALLOT_FIELDS = [
    "group_id", "area_id", "title", "seats", "voting_system", "dc_ballot_id", "is_by_election", "referendum_question",
]  # fmt: skip


@transaction.atomic
def election_group_create(
    *,
    acting_user: User | None,
    authority: Authority,
    election_type: str,
    nation: str,
    poll_date: dt.date,
    ballots: Sequence[BallotSpec],
    name: str = "",
    organisation: str = "",
) -> ElectionGroup:
    """Create a poll with its ballots, and store its statutory timetable."""
    if election_type not in ElectionType.values:
        raise ValidationError({"election_type": f"Unknown election type {election_type!r}"})
    if nation not in Nation.values:
        raise ValidationError({"nation": f"Unknown nation {nation!r}"})
    if not ballots:
        raise ValidationError("Choose at least one area to hold a ballot in")
    try:
        rows = law.timetable(election_type, nation, poll_date, authority_id=authority.pk)
    except law.LawError as error:
        raise ValidationError(str(error)) from error
    dc_id = ids.group_id(election_type, poll_date)
    if ElectionGroup.objects.filter(authority=authority, dc_group_id=dc_id).exists():
        raise ValidationError(f"There is already an election {dc_id}: add ballots to it instead")
    label = ElectionType(election_type).label
    group = ElectionGroup.objects.create(
        authority=authority,
        name=_clean(name, 200) or f"{label} {poll_date.day} {poll_date:%B %Y}",
        election_type=election_type,
        nation=nation,
        poll_date=poll_date,
        dc_group_id=dc_id,
        organisation_slug=slugify(organisation)[:80] or ids.organisation_slug(authority),
        created_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    TimetableEntry.objects.bulk_create(
        [
            TimetableEntry(
                authority=authority,
                group=group,
                key=row.key,
                label=row.label[:200],
                # The poll date of a by-election is the RO's choice, made when the election is created.
                due_date=poll_date if row.ro_chooses and row.key == "poll_date" else row.day,
                due_time=row.time,
                citation=row.citation[:300],
                ro_chooses=row.ro_chooses,
                earliest=row.earliest,
                latest=row.latest,
            )
            for row in rows
        ]
    )
    made = [_ballot_create(group, spec) for spec in ballots]
    audit_record(
        actor=acting_user,
        authority=authority,
        action="elections.group.create",
        obj=group,
        after={
            **snapshot(group, ["name", "election_type", "nation", "poll_date", "dc_group_id"]),
            "ballots": [b.dc_ballot_id for b in made],
            "timetable": {r.key: (r.day.isoformat() if r.day else "RO chooses") for r in rows},
        },
    )
    return group


@transaction.atomic
def ballot_add(*, acting_user: User | None, group: ElectionGroup, spec: BallotSpec) -> Ballot:
    """Add a ballot (another ward, a by-election in the same poll) to an election."""
    group = ElectionGroup.objects.select_for_update().get(pk=group.pk)
    if group.poll_date < timezone.localdate():
        raise ValidationError("This poll has taken place: ballots cannot be added to it")
    ballot = _ballot_create(group, spec)
    audit_record(
        actor=acting_user,
        authority=group.authority,
        action="elections.ballot.add",
        obj=ballot,
        after=snapshot(ballot, [*_BALLOT_FIELDS, "elector_requests", "vacancy_date", "poll_window_end"]),
    )
    return ballot


@transaction.atomic
def timetable_mark_done(
    *, acting_user: User | None, entry: TimetableEntry, done_on: dt.date | None = None, note: str = ""
) -> TimetableEntry:
    entry = TimetableEntry.objects.select_for_update().get(pk=entry.pk)
    before = snapshot(entry, ["done_on", "note"])
    entry.done_on = done_on or timezone.localdate()
    entry.note = _clean(note, 300)
    entry.save(update_fields=["done_on", "note"])
    audit_record(
        actor=acting_user,
        authority=entry.authority,
        action="elections.timetable.done",
        obj=entry,
        before=before,
        after=snapshot(entry, ["done_on", "note"]),
    )
    return entry


@transaction.atomic
def timetable_set_date(
    *, acting_user: User | None, entry: TimetableEntry, due_date: dt.date, due_time: dt.time | None = None
) -> TimetableEntry:
    """Record a date the law leaves to the Returning Officer, inside the law's window."""
    entry = TimetableEntry.objects.select_for_update(of=("self",)).select_related("group").get(pk=entry.pk)
    if not entry.ro_chooses:
        raise ValidationError("The law fixes this date: it cannot be changed")
    if entry.earliest is not None and due_date < entry.earliest:
        raise ValidationError({"due_date": f"The law allows {_day(entry.earliest)} at the earliest"})
    if entry.latest is not None and due_date > entry.latest:
        raise ValidationError({"due_date": f"The law allows {_day(entry.latest)} at the latest"})
    if due_date > entry.group.poll_date:
        raise ValidationError({"due_date": "The date must be on or before polling day"})
    before = snapshot(entry, ["due_date", "due_time"])
    entry.due_date = due_date
    entry.due_time = due_time
    entry.save(update_fields=["due_date", "due_time"])
    audit_record(
        actor=acting_user,
        authority=entry.authority,
        action="elections.timetable.set_date",
        obj=entry,
        before=before,
        after=snapshot(entry, ["due_date", "due_time"]),
    )
    return entry


@transaction.atomic
def timetable_recompute(*, acting_user: User | None, group: ElectionGroup) -> int:
    """Move the stored deadlines that the timetable computed now would move (after the council
    records a day of thanksgiving or mourning, say). Done deadlines and the Returning Officer's
    dates stay. Returns how many moved; refuses when none would."""
    group = ElectionGroup.objects.select_for_update().get(pk=group.pk)
    changes = selectors.timetable_changes(group)
    if not changes:
        raise ValidationError("The stored timetable already agrees with the calendar: nothing to change")
    before, after = {}, {}
    for change in changes:
        entry = change.entry
        before[entry.key] = snapshot(entry, ["due_date", "due_time"])
        entry.due_date, entry.due_time = change.due_date, change.due_time
        entry.save(update_fields=["due_date", "due_time"])
        after[entry.key] = snapshot(entry, ["due_date", "due_time"])
    audit_record(
        actor=acting_user,
        authority=group.authority,
        action="elections.timetable.recompute",
        obj=group,
        before=before,
        after=after,
    )
    return len(changes)


@transaction.atomic
def election_notice_publish(
    *, acting_user: User | None, group: ElectionGroup, published_at: dt.datetime | None = None
) -> int:
    """Publish the notice of election: its draft ballots open for nominations. Returns how many."""
    when = _when(published_at)
    ballots = list(Ballot.objects.select_for_update().filter(group=group, status=BallotStatus.DRAFT))
    if not ballots:
        raise ValidationError("The notice of election is already published for every ballot of this election")
    for ballot in ballots:
        ballot.status = BallotStatus.NOTICE_PUBLISHED
        ballot.notice_published_at = when
        ballot.save(update_fields=["status", "notice_published_at"])
    TimetableEntry.objects.filter(group=group, key="notice_of_election", done_on=None).update(
        done_on=timezone.localtime(when).date()
    )
    audit_record(
        actor=acting_user,
        authority=group.authority,
        action="elections.notice_of_election.publish",
        obj=group,
        after={"published_at": when.isoformat(), "ballots": [b.dc_ballot_id for b in ballots]},
    )
    return len(ballots)


@transaction.atomic
def combined_poll_create(
    *,
    acting_user: User | None,
    authority: Authority,
    name: str,
    ballots: Iterable[Ballot],
    lead_group: ElectionGroup | None = None,
    lead_officer: str = "",
    functions: Iterable[str] = (),
    notes: str = "",
) -> CombinedPoll:
    """Record ballots of different elections taken together (RPA 1985 s.15; elections.md §1.1)."""
    chosen = list(ballots)
    _same_authority(authority.pk, lead_group, *chosen)
    if len({b.group_id for b in chosen}) < 2:
        raise ValidationError({"ballots": "Choose ballots of at least two different elections"})
    dates = {b.group.poll_date for b in chosen}
    if len(dates) != 1:
        raise ValidationError({"ballots": "Polls can only be combined when they are held on the same day"})
    wanted = list(dict.fromkeys(functions))
    unknown = set(wanted) - set(CombinedFunction.values)
    if unknown:
        raise ValidationError({"functions": f"Unknown functions: {', '.join(sorted(unknown))}"})
    if lead_group is not None and lead_group.pk not in {b.group_id for b in chosen}:
        raise ValidationError({"lead_group": "The lead election must be one of the combined ones"})
    types = {b.group.election_type for b in chosen}
    # RPA 1985 s.15(1): a parliamentary general election and ordinary local elections on the same day.
    mandatory = "ukpge" in types and bool(types & {"local", "parish"})
    poll = CombinedPoll.objects.create(
        authority=authority,
        name=_clean(name, 200) or f"Combined polls {_day(dates.pop())}",
        poll_date=chosen[0].group.poll_date,
        lead_group=lead_group,
        lead_officer=_clean(lead_officer, 200),
        functions=wanted,
        mandatory=mandatory,
        notes=str(notes or "")[:2000],
    )
    poll.ballots.set(chosen)
    audit_record(
        actor=acting_user,
        authority=authority,
        action="elections.combined_poll.create",
        obj=poll,
        after={
            **snapshot(poll, ["name", "poll_date", "lead_group_id", "lead_officer", "functions", "mandatory"]),
            "ballots": [b.dc_ballot_id for b in chosen],
        },
    )
    return poll


# ---- nominations ---------------------------------------------------------------------------------

_CANDIDATE_FIELDS = [
    "surname", "other_names", "commonly_used_surname", "commonly_used_other_names", "affiliation", "party_name",
    "description", "emblem", "address_withheld", "address_area", "list_position", "status",
]  # fmt: skip


def _candidate_particulars(
    *,
    surname: str,
    other_names: str,
    home_address: str,
    affiliation: str,
    party_name: str,
    description: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    particulars = {
        "surname": _clean(surname, 150),
        "other_names": _clean(other_names, 200),
        "home_address": _clean(home_address, 400),
        "affiliation": affiliation,
        "party_name": _clean(party_name, 200),
        "description": _clean(description, 200),
    }
    if not particulars["surname"]:
        errors["surname"] = "Enter the candidate's surname"
    if not particulars["other_names"]:
        errors["other_names"] = "Enter the candidate's other names"
    if not particulars["home_address"]:
        errors["home_address"] = "Enter the candidate's home address"
    if affiliation not in Affiliation.values:
        errors["affiliation"] = "Choose party, independent or no description"
    elif affiliation == Affiliation.PARTY and not particulars["party_name"]:
        errors["party_name"] = "Enter the party that issued the certificate of authorisation"
    elif affiliation == Affiliation.INDEPENDENT and particulars["description"] not in ("", "Independent"):
        errors["description"] = "An independent candidate's description can only be 'Independent' or blank"
    elif affiliation == Affiliation.NONE and particulars["description"]:
        errors["description"] = "Leave the description blank, or choose party or independent"
    problems = law.description_problems(particulars["description"]) if particulars["description"] else []
    if problems and "description" not in errors:
        errors["description"] = "; ".join(problems)
    if errors:
        raise ValidationError(errors)
    return particulars


@transaction.atomic
def candidate_nominate(
    *,
    acting_user: User | None,
    ballot: Ballot,
    surname: str,
    other_names: str,
    home_address: str,
    subscribers: Sequence[SubscriberEntry],
    affiliation: str = Affiliation.NONE,
    party_name: str = "",
    description: str = "",
    emblem: str = "",
    commonly_used_surname: str = "",
    commonly_used_other_names: str = "",
    address_withheld: bool = False,
    address_area: str = "",
    list_position: int | None = None,
    received_at: dt.datetime | None = None,
    delivered_by: str = "",
    consent_received: bool = True,
    home_address_form_received: bool = True,
    certificate_of_authorisation: bool = False,
    emblem_request: bool = False,
) -> Candidate:
    """Record a delivered nomination paper for a new candidate, and check its subscribers. At a
    closed-list (D'Hondt) ballot a party's candidate takes ``list_position`` on the party's list
    (unique within the party); an individual candidate has none."""
    ballot = _lock_ballot(ballot)
    if ballot.voting_system == VotingSystem.REFERENDUM:
        raise ValidationError("A referendum has no candidates: its question is answered Yes or No")
    particulars = _candidate_particulars(
        surname=surname,
        other_names=other_names,
        home_address=home_address,
        affiliation=affiliation,
        party_name=party_name,
        description=description,
    )
    when = _when(received_at)
    _check_open(ballot, when)
    if address_withheld and not _clean(address_area, 200):
        raise ValidationError({"address_area": "Enter the area the home address is in, to print instead of it"})
    position = _list_position(ballot, particulars, list_position)
    candidate = Candidate.objects.create(
        authority_id=ballot.authority_id,
        ballot=ballot,
        commonly_used_surname=_clean(commonly_used_surname, 150),
        commonly_used_other_names=_clean(commonly_used_other_names, 200),
        emblem=_clean(emblem, 200),
        address_withheld=address_withheld,
        address_area=_clean(address_area, 200),
        list_position=position,
        **particulars,
    )
    paper = _paper_add(
        acting_user,
        candidate,
        subscribers,
        when=when,
        delivered_by=delivered_by,
        consent_received=consent_received,
        home_address_form_received=home_address_form_received,
        certificate_of_authorisation=certificate_of_authorisation,
        emblem_request=emblem_request,
    )
    audit_record(
        actor=acting_user,
        authority=ballot.authority,
        action="elections.candidate.nominate",
        obj=candidate,
        after={
            **snapshot(candidate, ["ballot_id", *_CANDIDATE_FIELDS]),
            "paper": paper.pk,
            "received_at": when.isoformat(),
            "checks_passed": paper.checks_passed,
            "problems": paper.problems,
        },
    )
    return candidate


@transaction.atomic
def nomination_paper_add(
    *,
    acting_user: User | None,
    candidate: Candidate,
    subscribers: Sequence[SubscriberEntry],
    received_at: dt.datetime | None = None,
    delivered_by: str = "",
    consent_received: bool = True,
    home_address_form_received: bool = True,
    certificate_of_authorisation: bool = False,
    emblem_request: bool = False,
) -> NominationPaper:
    """Another nomination paper for the same candidate (for example to replace one with a bad subscriber)."""
    candidate = _lock_candidate(candidate)
    ballot = _lock_ballot(candidate.ballot)
    if candidate.status == CandidateStatus.WITHDRAWN:
        raise ValidationError("This candidate has withdrawn")
    when = _when(received_at)
    _check_open(ballot, when)
    paper = _paper_add(
        acting_user,
        candidate,
        subscribers,
        when=when,
        delivered_by=delivered_by,
        consent_received=consent_received,
        home_address_form_received=home_address_form_received,
        certificate_of_authorisation=certificate_of_authorisation,
        emblem_request=emblem_request,
    )
    audit_record(
        actor=acting_user,
        authority=candidate.authority,
        action="elections.paper.add",
        obj=paper,
        after={
            "candidate": candidate.pk,
            "received_at": when.isoformat(),
            "checks_passed": paper.checks_passed,
            "problems": paper.problems,
        },
    )
    return paper


def _list_position(ballot: Ballot, particulars: dict[str, str], list_position: int | None) -> int | None:
    """The candidate's place on the party's closed list: needed for a party's candidate at a
    D'Hondt ballot, unique within the party (the ballot is locked); none for an individual
    candidate (a list of one) or at any other ballot."""
    if ballot.voting_system != VotingSystem.DHONDT:
        if list_position is not None:
            raise ValidationError({"list_position": "List positions are for closed-list ballots only: leave it blank"})
        return None
    if particulars["affiliation"] != Affiliation.PARTY:
        if list_position is not None:
            raise ValidationError(
                {"list_position": "An individual candidate is not on a party list: leave the position blank"}
            )
        return None
    if isinstance(list_position, bool) or not isinstance(list_position, int) or not 1 <= list_position <= MAX_LIST:
        raise ValidationError(
            {"list_position": f"Enter the candidate's position on the party's list, from 1 to {MAX_LIST}"}
        )
    taken = (
        Candidate.objects.filter(
            ballot=ballot, party_name__iexact=particulars["party_name"], list_position=list_position
        )
        .exclude(status__in=(CandidateStatus.WITHDRAWN, CandidateStatus.INVALID))
        .first()
    )
    if taken is not None:
        raise ValidationError(
            {"list_position": f"{taken} is already number {list_position} on the {taken.party_name} list"}
        )
    return list_position


def _check_open(ballot: Ballot, when: dt.datetime) -> None:
    if ballot.status == BallotStatus.DRAFT:
        raise ValidationError(
            "Publish the notice of election first: nomination papers may be delivered only after it is published"
        )
    if ballot.status not in _OPEN_FOR_NOMINATIONS:
        raise ValidationError("Nominations for this ballot are closed")
    if ballot.notice_published_at is not None and when < ballot.notice_published_at:
        raise ValidationError(
            {"received_at": "A paper cannot be delivered before the notice of election was published"}
        )
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": "The time the paper was received cannot be in the future"})
    _check_before(ballot.group, ("close_of_nominations",), when, "Nomination papers")


def _paper_add(
    acting_user: User | None,
    candidate: Candidate,
    subscribers: Sequence[SubscriberEntry],
    *,
    when: dt.datetime,
    delivered_by: str,
    consent_received: bool,
    home_address_form_received: bool,
    certificate_of_authorisation: bool,
    emblem_request: bool,
) -> NominationPaper:
    written = list(subscribers)  # positions as on the paper: a blank row in the middle stays, and fails
    while written and not (_clean(written[-1].elector_number, 40) or _clean(written[-1].name, 200)):
        written.pop()
    if not written:
        raise ValidationError({"subscribers": "Enter the subscribers as written on the paper"})
    if len(written) > MAX_SUBSCRIBERS:
        raise ValidationError({"subscribers": f"A paper can have at most {MAX_SUBSCRIBERS} subscribers"})
    paper = NominationPaper.objects.create(
        authority_id=candidate.authority_id,
        candidate=candidate,
        received_at=when,
        received_by=acting_user if acting_user is not None and acting_user.pk else None,
        delivered_by=_clean(delivered_by, 200),
        consent_received=consent_received,
        home_address_form_received=home_address_form_received,
        certificate_of_authorisation=certificate_of_authorisation,
        emblem_request=emblem_request,
    )
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                authority_id=candidate.authority_id,
                paper=paper,
                position=position,
                role=(
                    SubscriberRole.PROPOSER
                    if position == 1
                    else SubscriberRole.SECONDER
                    if position == 2
                    else SubscriberRole.ASSENTOR
                ),
                elector_number_written=_clean(entry.elector_number, 40),
                name_written=_clean(entry.name, 200),
            )
            for position, entry in enumerate(written, start=1)
        ]
    )
    _check_paper(paper)
    return paper


@transaction.atomic
def nomination_paper_recheck(*, acting_user: User | None, paper: NominationPaper) -> NominationPaper:
    """Check a paper again (after a correction to the register in force, say)."""
    paper = (
        NominationPaper.objects.select_for_update(of=("self",))
        .select_related("candidate__ballot__group")
        .get(pk=paper.pk)
    )
    before = {"checks_passed": paper.checks_passed, "problems": paper.problems}
    _check_paper(paper)
    audit_record(
        actor=acting_user,
        authority=paper.authority,
        action="elections.paper.recheck",
        obj=paper,
        before=before,
        after={"checks_passed": paper.checks_passed, "problems": paper.problems},
    )
    return paper


# ---- subscriber checks ---------------------------------------------------------------------------


class _Register:
    """The register in force, one polling district at a time, keyed by (district, number, suffix)."""

    def __init__(self, authority_id: int, on: dt.date) -> None:
        self.authority_id = authority_id
        self.on = on
        self._parts: dict[str, dict[tuple[int, int], dict[str, Any]]] = {}

    def find(self, code: str, number: int, suffix: int) -> dict[str, Any] | None:
        code = code.upper()
        if code not in self._parts:
            self._parts[code] = {
                (int(e.get("elector_number") or 0), int(e.get("elector_suffix") or 0)): e
                for e in iter_register_as_at(self.authority_id, self.on, district_code=code)
            }
        return self._parts[code].get((number, suffix))


def _as_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _check_paper(paper: NominationPaper) -> NominationPaper:
    """Check a paper's particulars and each subscriber against the register in force.

    Runs inside the calling service's transaction, which audits the results. A subscriber fails
    when (elections.md §3.2):

    - the number is not an elector number, or no such entry is in the register in force;
    - the elector's address is outside the ballot's electoral area;
    - the elector is anonymous (anonymous electors may not subscribe);
    - the elector is under voting age on polling day (attainers may subscribe only if of age by then);
    - the elector signed this paper twice, or has already subscribed as many papers, delivered
      earlier, as the law allows (``law.subscription_limit``; signatures count once delivered,
      even on a paper later held invalid).

    Only the first subscribers the law requires are considered; later ones are recorded only.
    A failing subscriber makes the paper fail its checks: a fresh paper may replace it before
    the close of nominations (``nomination_paper_add``).
    """
    candidate = paper.candidate
    ballot = candidate.ballot
    group = ballot.group
    required = law.subscribers_required(group.election_type, group.nation, group.poll_date)
    limit = law.subscription_limit(group.election_type, ballot.seats)
    age = law.voting_age(group.election_type, group.nation, group.poll_date)
    register = _Register(paper.authority_id, selectors.register_date(group))
    in_area = set(selectors.ballot_districts(ballot).values_list("pk", flat=True))
    earlier = NominationPaper.objects.filter(candidate__ballot__group=group).exclude(pk=paper.pk)
    earlier = earlier.filter(received_at__lt=paper.received_at) | earlier.filter(
        received_at=paper.received_at, pk__lt=paper.pk
    )
    earlier_ids = list(earlier.values_list("pk", flat=True))
    problems: list[str] = []
    subs = list(paper.subscribers.order_by("position"))
    if len(subs) < required:
        problems.append(f"The paper needs {required} subscribers; it has {len(subs)}")
    seen: set[int] = set()
    for sub in subs:
        sub.reasons, sub.notes, sub.ok, sub.elector, sub.register_name = [], [], False, None, ""
        sub.considered = sub.position <= required
        if not sub.considered:
            sub.notes = [f"Only the first {required} subscribers are considered"]
            continue
        _check_subscriber(sub, register, in_area, age, group.poll_date, limit, earlier_ids, seen)
        sub.ok = not sub.reasons
        problems += [f"{sub.label} ({sub.elector_number_written or 'no number'}): {r}" for r in sub.reasons]
    Subscriber.objects.bulk_update(subs, ["reasons", "notes", "ok", "elector", "register_name", "considered"])
    if not paper.consent_received:
        problems.append("No consent to nomination was delivered")
    if not paper.home_address_form_received:
        problems.append("No home address form was delivered")
    if candidate.affiliation == Affiliation.PARTY and not paper.certificate_of_authorisation:
        problems.append("A party description needs the party's certificate of authorisation")
    paper.problems = problems
    paper.checks_passed = not problems
    paper.save(update_fields=["problems", "checks_passed"])
    return paper


def _papers(count: int) -> str:
    return "paper" if count == 1 else "papers"


def _check_subscriber(
    sub: Subscriber,
    register: _Register,
    in_area: set[int],
    age: int,
    poll_date: dt.date,
    limit: int | None,
    earlier_paper_ids: list[int],
    seen: set[int],
) -> None:
    written = sub.elector_number_written
    parsed = parse_register_query(written)
    if "elector_number" not in parsed.kinds or parsed.number is None:
        sub.reasons.append(
            f"'{written}' is not an elector number: write the polling district letters then the number, "
            "for example AB-123"
            if written
            else "No elector number was written"
        )
        return
    suffix = parsed.suffix or 0
    entry = register.find(parsed.district_code, parsed.number, suffix)
    label = f"{parsed.district_code}-{parsed.number}" + (f"/{suffix}" if suffix else "")
    if entry is None:
        sub.reasons.append(f"No elector {label} in the register in force on {_day(register.on)}")
        return
    elector = (
        Elector.records.filter(authority_id=register.authority_id, ems_elector_id=entry.get("ems_elector_id"))
        .only("pk")
        .first()
    )
    sub.elector = elector
    sub.register_name = _clean(f"{entry.get('first_names', '')} {entry.get('surname', '')}", 300)
    if entry.get("polling_district_id") not in in_area:
        sub.reasons.append(f"{label} is not an elector for this electoral area")
    if entry.get("is_anonymous") or "N" in str(entry.get("markers") or "").upper():
        sub.reasons.append("Anonymous electors may not subscribe a nomination paper")
        sub.register_name = ""
    born = _as_date(entry.get("date_of_birth"))
    attains = _as_date(entry.get("attainer_date"))
    if (born is not None and age_on(born, poll_date) < age) or (born is None and attains and attains > poll_date):
        sub.reasons.append(f"Will not be {age} by polling day, so may not subscribe")
    if elector is not None:
        if elector.pk in seen:
            sub.reasons.append("Has signed this paper more than once")
        seen.add(elector.pk)
        if limit is not None:
            count = Subscriber.objects.filter(elector=elector, paper_id__in=earlier_paper_ids, considered=True).count()
            if count >= limit:
                sub.reasons.append(
                    f"Has already subscribed {count} other nomination {_papers(count)} delivered earlier "
                    f"at this election; an elector may subscribe {limit} {_papers(limit)}"
                )
    surname = str(entry.get("surname") or "").casefold()
    if sub.name_written and surname and surname not in sub.name_written.casefold() and sub.register_name:
        sub.notes.append(f"The name written differs from the register ({sub.register_name})")


# ---- decisions, deposits, withdrawals, agents ----------------------------------------------------


def _candidate_status_from_papers(candidate: Candidate) -> tuple[str, str]:
    papers = list(candidate.papers.all())
    if any(p.status == PaperStatus.VALID for p in papers):
        return CandidateStatus.VALID, ""
    if papers and all(p.status == PaperStatus.INVALID for p in papers):
        last = ValidityDecision.objects.filter(paper__candidate=candidate).order_by("-decided_at", "-id").first()
        return CandidateStatus.INVALID, last.reason if last else ""
    return CandidateStatus.NOMINATED, ""


@transaction.atomic
def validity_decide(
    *,
    acting_user: User | None,
    paper: NominationPaper,
    valid: bool,
    reason: str = "",
    decided_at: dt.datetime | None = None,
) -> ValidityDecision:
    """The Returning Officer's decision that a nomination paper is valid or invalid (elections.md §3.5)."""
    paper = NominationPaper.objects.select_for_update().get(pk=paper.pk)
    candidate = _lock_candidate(paper.candidate)
    ballot = candidate.ballot
    reason = _clean(reason, 500)
    if candidate.status == CandidateStatus.WITHDRAWN:
        raise ValidationError("This candidate has withdrawn")
    if ballot.status not in (BallotStatus.NOTICE_PUBLISHED, BallotStatus.NOMINATIONS_CLOSED):
        raise ValidationError("Decisions can no longer be made: the statement of persons nominated is published")
    if not valid and not reason:
        raise ValidationError({"reason": "Give the reason the paper is invalid: it is endorsed on the paper"})
    if valid and not paper.checks_passed and not reason:
        raise ValidationError(
            {"reason": "The checks found problems with this paper: give the reason for holding it valid"}
        )
    before = {"paper": paper.status, "candidate": candidate.status}
    decision = ValidityDecision.objects.create(
        authority_id=paper.authority_id,
        paper=paper,
        valid=valid,
        reason=reason,
        decided_by=acting_user if acting_user is not None and acting_user.pk else None,
        decided_at=_when(decided_at),
    )
    paper.status = PaperStatus.VALID if valid else PaperStatus.INVALID
    paper.save(update_fields=["status"])
    candidate.status, candidate.status_reason = _candidate_status_from_papers(candidate)
    candidate.save(update_fields=["status", "status_reason"])
    audit_record(
        actor=acting_user,
        authority=paper.authority,
        action="elections.paper.decide",
        obj=paper,
        before=before,
        after={"paper": paper.status, "candidate": candidate.status, "valid": valid},
        reason=reason,
    )
    return decision


@transaction.atomic
def withdrawal_record(
    *,
    acting_user: User | None,
    candidate: Candidate,
    received_at: dt.datetime | None = None,
    delivered_by: str = "",
) -> Withdrawal:
    """A candidate's written notice of withdrawal, refused after the withdrawal deadline (4pm, 19 wd)."""
    candidate = _lock_candidate(candidate)
    ballot = candidate.ballot
    when = _when(received_at)
    if candidate.status == CandidateStatus.WITHDRAWN:
        raise ValidationError("This candidate has already withdrawn")
    if ballot.status not in _BEFORE_SOPN:
        raise ValidationError("The statement of persons nominated is published: it is too late to withdraw")
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": "The time the notice was received cannot be in the future"})
    _check_before(ballot.group, ("withdrawal_of_candidature", "close_of_nominations"), when, "Notice of withdrawal")
    before = snapshot(candidate, ["status", "status_reason"])
    withdrawal = Withdrawal.objects.create(
        authority_id=candidate.authority_id,
        candidate=candidate,
        received_at=when,
        delivered_by=_clean(delivered_by, 200),
        recorded_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    candidate.status, candidate.status_reason = CandidateStatus.WITHDRAWN, "Withdrawn"
    candidate.save(update_fields=["status", "status_reason"])
    audit_record(
        actor=acting_user,
        authority=candidate.authority,
        action="elections.candidate.withdraw",
        obj=candidate,
        before=before,
        after={**snapshot(candidate, ["status", "status_reason"]), "received_at": when.isoformat()},
    )
    return withdrawal


@transaction.atomic
def deposit_record(
    *,
    acting_user: User | None,
    candidate: Candidate,
    amount_pence: int,
    method: str,
    payer: str = "",
    received_at: dt.datetime | None = None,
) -> Deposit:
    """A candidate's deposit, of exactly the amount the law sets, by the close of nominations."""
    candidate = _lock_candidate(candidate)
    group = candidate.ballot.group
    required = law.deposit_pence(group.election_type, group.nation, group.poll_date)
    if required is None:
        raise ValidationError("No deposit is payable at this election")
    if Deposit.objects.filter(candidate=candidate).exists():
        raise ValidationError("A deposit is already recorded for this candidate")
    if method not in DepositMethod.values:
        raise ValidationError({"method": "Choose how the deposit was paid"})
    if amount_pence != required:
        raise ValidationError({"amount": f"The deposit at this election is £{required / 100:,.2f}"})
    when = _when(received_at)
    _check_before(group, ("close_of_nominations",), when, "The deposit")
    deposit = Deposit.objects.create(
        authority_id=candidate.authority_id,
        candidate=candidate,
        amount_pence=amount_pence,
        method=method,
        payer=_clean(payer, 200),
        received_at=when,
    )
    audit_record(
        actor=acting_user,
        authority=candidate.authority,
        action="elections.deposit.record",
        obj=deposit,
        after=snapshot(deposit, ["candidate_id", "amount_pence", "method", "payer", "received_at"]),
    )
    return deposit


def _deposit_settle(
    acting_user: User | None, candidate: Candidate, state: str, on: dt.date | None, reason: str
) -> Deposit:
    deposit = Deposit.objects.select_for_update().filter(candidate=candidate).first()
    if deposit is None:
        raise ValidationError("No deposit is recorded for this candidate")
    if deposit.state != DepositState.HELD:
        raise ValidationError(f"The deposit was already {deposit.get_state_display().lower()}")
    before = snapshot(deposit, ["state", "settled_on"])
    deposit.state = state
    deposit.settled_on = on or timezone.localdate()
    deposit.save(update_fields=["state", "settled_on"])
    audit_record(
        actor=acting_user,
        authority=deposit.authority,
        action=f"elections.deposit.{'return' if state == DepositState.RETURNED else 'forfeit'}",
        obj=deposit,
        before=before,
        after=snapshot(deposit, ["state", "settled_on"]),
        reason=_clean(reason, 300),
    )
    return deposit


@transaction.atomic
def deposit_return(
    *, acting_user: User | None, candidate: Candidate, on: dt.date | None = None, reason: str = ""
) -> Deposit:
    return _deposit_settle(acting_user, candidate, DepositState.RETURNED, on, reason)


@transaction.atomic
def deposit_forfeit(
    *, acting_user: User | None, candidate: Candidate, on: dt.date | None = None, reason: str = ""
) -> Deposit:
    return _deposit_settle(acting_user, candidate, DepositState.FORFEITED, on, reason)


@transaction.atomic
def election_agent_appoint(
    *,
    acting_user: User | None,
    candidate: Candidate,
    name: str,
    address: str,
    office_address: str = "",
    is_candidate: bool = False,
    appointed_at: dt.datetime | None = None,
) -> ElectionAgent:
    """Notice of a candidate's election agent (not at parish elections), by the deadline (4pm, 19 wd)."""
    candidate = _lock_candidate(candidate)
    group = candidate.ballot.group
    if group.election_type in _NO_AGENT_TYPES:
        raise ValidationError("There are no election agents at parish elections")
    if candidate.status == CandidateStatus.WITHDRAWN:
        raise ValidationError("This candidate has withdrawn")
    name = _clean(name, 200) or (f"{candidate.other_names} {candidate.surname}" if is_candidate else "")
    address = _clean(address, 400) or (candidate.home_address if is_candidate else "")
    errors = {}
    if not name:
        errors["name"] = "Enter the agent's name"
    if not address:
        errors["address"] = "Enter the agent's address"
    if errors:
        raise ValidationError(errors)
    when = _when(appointed_at)
    existing = ElectionAgent.objects.select_for_update().filter(candidate=candidate).first()
    if existing is None:
        _check_before(group, ("appointment_of_election_agents",), when, "Notice of the election agent")
    fields = ["name", "address", "office_address", "is_candidate", "appointed_at"]
    before = snapshot(existing, fields) if existing is not None else None
    agent = existing or ElectionAgent(authority_id=candidate.authority_id, candidate=candidate)
    agent.name, agent.address, agent.is_candidate, agent.appointed_at = name, address, is_candidate, when
    agent.office_address = _clean(office_address, 400)
    agent.save()
    audit_record(
        actor=acting_user,
        authority=candidate.authority,
        action="elections.agent.appoint",
        obj=agent,
        before=before,
        after=snapshot(agent, fields),
    )
    return agent


# ---- close of nominations, SOPN, uncontested returns --------------------------------------------


@transaction.atomic
def nominations_close(*, acting_user: User | None, ballot: Ballot, now: dt.datetime | None = None) -> Ballot:
    """Close nominations for a ballot, once the deadline has passed."""
    ballot = _lock_ballot(ballot)
    when = _when(now)
    if ballot.status == BallotStatus.DRAFT:
        raise ValidationError("The notice of election has not been published for this ballot")
    if ballot.status != BallotStatus.NOTICE_PUBLISHED:
        raise ValidationError("Nominations for this ballot are already closed")
    _entry, due = selectors.deadline(ballot.group, "close_of_nominations")
    if due is not None and when < due:
        raise ValidationError(f"Nominations close at {_moment(due)}")
    ballot.status = BallotStatus.NOMINATIONS_CLOSED
    ballot.nominations_closed_at = when
    ballot.save(update_fields=["status", "nominations_closed_at"])
    audit_record(
        actor=acting_user,
        authority=ballot.authority,
        action="elections.ballot.close_nominations",
        obj=ballot,
        before={"status": BallotStatus.NOTICE_PUBLISHED},
        after={"status": ballot.status, "candidates": ballot.candidates.count()},
    )
    return ballot


@transaction.atomic
def sopn_publish(*, acting_user: User | None, ballot: Ballot, published_at: dt.datetime | None = None) -> Ballot:
    """Publish the statement of persons nominated; a ballot with no more candidates standing than
    seats is then returned without a poll (``ballot_declare_uncontested``)."""
    ballot = _lock_ballot(ballot)
    if ballot.voting_system == VotingSystem.REFERENDUM:
        # No nominations: publishing would return the question "unopposed" with no one elected.
        raise ValidationError("A referendum has no statement of persons nominated: it goes to the poll")
    if ballot.status != BallotStatus.NOMINATIONS_CLOSED:
        raise ValidationError(
            "Close nominations first"
            if ballot.status in (BallotStatus.DRAFT, BallotStatus.NOTICE_PUBLISHED)
            else "The statement of persons nominated is already published"
        )
    undecided = list(ballot.candidates.filter(status=CandidateStatus.NOMINATED))
    if undecided:
        names = ", ".join(str(c) for c in undecided)
        raise ValidationError(f"Decide on the nomination papers of {names} first")
    when = _when(published_at)
    ballot.status = BallotStatus.SOPN_PUBLISHED
    ballot.sopn_published_at = when
    ballot.save(update_fields=["status", "sopn_published_at"])
    statement = selectors.sopn(ballot)
    TimetableEntry.objects.filter(group=ballot.group, key="sopn_publication", done_on=None).update(
        done_on=timezone.localtime(when).date()
    )
    audit_record(
        actor=acting_user,
        authority=ballot.authority,
        action="elections.sopn.publish",
        obj=ballot,
        before={"status": BallotStatus.NOMINATIONS_CLOSED},
        after={
            "status": ballot.status,
            "standing": [f"{r['surname']}, {r['other_names']}" for r in statement["standing"]],
            "not_standing": [f"{r['surname']}, {r['other_names']}: {r['reason']}" for r in statement["not_standing"]],
        },
    )
    if len(statement["standing"]) <= ballot.seats:
        ballot_declare_uncontested(acting_user=acting_user, ballot=ballot)
        ballot.refresh_from_db()
    return ballot


@transaction.atomic
def ballot_declare_uncontested(*, acting_user: User | None, ballot: Ballot) -> Ballot:
    """Candidates standing ≤ seats after the SOPN: they are declared elected and no poll is held;
    unfilled seats remain vacant (elections.md §3.5, "Uncontested")."""
    ballot = _lock_ballot(ballot)
    if ballot.status != BallotStatus.SOPN_PUBLISHED:
        raise ValidationError("Only a ballot whose statement of persons nominated is published can be returned")
    standing = selectors.standing_candidates(ballot)
    if len(standing) > ballot.seats:
        raise ValidationError(f"{len(standing)} candidates stand for {ballot.seats} seats: a poll is needed")
    Candidate.objects.filter(pk__in=[c.pk for c in standing]).update(status=CandidateStatus.ELECTED)
    ballot.status = BallotStatus.DECLARED
    ballot.uncontested = True
    ballot.declared_at = timezone.now()
    ballot.save(update_fields=["status", "uncontested", "declared_at"])
    audit_record(
        actor=acting_user,
        authority=ballot.authority,
        action="elections.ballot.declare_uncontested",
        obj=ballot,
        before={"status": BallotStatus.SOPN_PUBLISHED},
        after={
            "status": ballot.status,
            "elected": [str(c) for c in standing],
            "vacancies_unfilled": ballot.seats - len(standing),
        },
    )
    return ballot


# ---- council notice templates --------------------------------------------------------------------


def _check_docx(content: bytes, kind: str) -> None:
    from . import notices  # the renderer; imported here to keep services light

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ValidationError({"file": "The file must be a Word document (.docx)"})
    except zipfile.BadZipFile:
        raise ValidationError({"file": "The file must be a Word document (.docx)"}) from None
    try:
        notices.render_docx_from(content, notices.sample_context(kind))
    except Exception as error:
        raise ValidationError({"file": f"The template could not be filled in: {error}"}) from None


@transaction.atomic
def notice_template_upload(
    *,
    acting_user: User | None,
    authority: Authority,
    kind: str,
    language: str,
    filename: str,
    content: bytes,
) -> NoticeTemplate:
    """A council's own Word template for a notice; it must render with the notice's fields."""
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": "Choose which notice the template is for"})
    if language not in ("en", "cy"):
        raise ValidationError({"language": "Choose English or Welsh"})
    if len(content) > 5 * 1024 * 1024:
        raise ValidationError({"file": "The file must be smaller than 5 MB"})
    _check_docx(content, kind)
    template = NoticeTemplate.objects.select_for_update().filter(authority=authority, kind=kind, language=language)
    existing = template.first()
    before = snapshot(existing, ["filename", "sha256"]) if existing is not None else None
    row = existing or NoticeTemplate(authority=authority, kind=kind, language=language)
    row.filename = _clean(filename, 200) or f"{kind}.docx"
    row.content = content
    row.sha256 = hashlib.sha256(content).hexdigest()
    row.uploaded_by = acting_user if acting_user is not None and acting_user.pk else None
    row.save()
    audit_record(
        actor=acting_user,
        authority=authority,
        action="elections.notice_template.upload",
        obj=row,
        before=before,
        after={**snapshot(row, ["kind", "language", "filename", "sha256"]), "bytes": len(content)},
    )
    return row


@transaction.atomic
def notice_template_remove(*, acting_user: User | None, template: NoticeTemplate) -> None:
    """Go back to the default template for this notice."""
    before = snapshot(template, ["kind", "language", "filename", "sha256"])
    authority = template.authority
    pk = template.pk
    NoticeTemplate.objects.filter(pk=pk).delete()
    audit_record(
        actor=acting_user,
        authority=authority,
        action="elections.notice_template.remove",
        object_type="elections.noticetemplate",
        object_id=pk,
        before=before,
    )
