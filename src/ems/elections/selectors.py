"""Reads for the elections pages and documents, always within the acting user's authority.

A record of another authority is a 404. ``*_for_user`` take the signed-in user; the helpers
below them take records already fetched through one of those.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ems.geography.models import ElectoralArea, PollingDistrict, PollingStation

from . import law
from .models import (
    Affiliation,
    Ballot,
    Candidate,
    CandidateStatus,
    CombinedPoll,
    ElectionGroup,
    NominationPaper,
    NoticeTemplate,
    Subscriber,
    TimetableEntry,
    VotingSystem,
)

# ---- scoped look-ups -----------------------------------------------------------------------------


def election_groups_for_user(user: Any) -> QuerySet[ElectionGroup]:
    return ElectionGroup.objects.filter(authority_id=user.authority_id).annotate(
        ballot_count=Count("ballots", distinct=True)
    )


def election_group_for_user(user: Any, election_id: int) -> ElectionGroup:
    return get_object_or_404(ElectionGroup.objects.filter(authority_id=user.authority_id), pk=election_id)


def ballots_for_user(user: Any) -> QuerySet[Ballot]:
    return Ballot.objects.filter(authority_id=user.authority_id).select_related("group", "area")


def ballot_for_user(user: Any, ballot_id: int) -> Ballot:
    return get_object_or_404(ballots_for_user(user), pk=ballot_id)


def candidate_for_user(user: Any, candidate_id: int) -> Candidate:
    return get_object_or_404(
        Candidate.objects.filter(authority_id=user.authority_id).select_related("ballot", "ballot__group"),
        pk=candidate_id,
    )


def paper_for_user(user: Any, paper_id: int) -> NominationPaper:
    return get_object_or_404(
        NominationPaper.objects.filter(authority_id=user.authority_id).select_related(
            "candidate", "candidate__ballot", "candidate__ballot__group"
        ),
        pk=paper_id,
    )


def timetable_entry_for_user(user: Any, entry_id: int) -> TimetableEntry:
    return get_object_or_404(
        TimetableEntry.objects.filter(authority_id=user.authority_id).select_related("group"), pk=entry_id
    )


def combined_polls_for_user(user: Any) -> QuerySet[CombinedPoll]:
    return CombinedPoll.objects.filter(authority_id=user.authority_id).prefetch_related("ballots", "ballots__group")


def notice_templates_for_user(user: Any) -> QuerySet[NoticeTemplate]:
    return NoticeTemplate.objects.filter(authority_id=user.authority_id).defer("content").order_by("kind", "language")


def areas_for_user(user: Any) -> QuerySet[ElectoralArea]:
    return ElectoralArea.objects.filter(authority_id=user.authority_id).order_by("area_type", "name")


def upcoming_ballots_for_user(user: Any) -> QuerySet[Ballot]:
    return ballots_for_user(user).filter(group__poll_date__gte=timezone.localdate())


# ---- the areas a ballot covers -------------------------------------------------------------------


def ballot_districts(ballot: Ballot) -> QuerySet[PollingDistrict]:
    """The polling districts inside the ballot's area (every district for a council-wide poll).

    A district belongs to a ward and perhaps a parish; the area may be the ward or parish itself,
    or an area above it (a division or constituency above a ward, a parish above a parish ward).
    """
    districts = PollingDistrict.objects.filter(authority_id=ballot.authority_id)
    if ballot.area_id is None:
        return districts.order_by("code")
    area = ballot.area_id
    inside = (
        Q(ward_id=area)
        | Q(ward__parent_id=area)
        | Q(ward__parent__parent_id=area)
        | Q(parish_id=area)
        | Q(parish__parent_id=area)
    )
    return districts.filter(inside).order_by("code")


def ballot_stations(ballot: Ballot) -> list[dict[str, Any]]:
    """Polling stations for the ballot's districts, for the notice of poll (situation of stations).

    A district without a station record falls back to its designated polling place or the
    council's description of it, so the notice still says where its electors vote.
    """
    districts = list(ballot_districts(ballot).select_related("polling_place"))
    stations = (
        PollingStation.objects.filter(authority_id=ballot.authority_id, district__in=districts)
        .select_related("place", "district")
        .order_by("district__code", "number", "code")
    )
    by_district: dict[int, list[PollingStation]] = {}
    for station in stations:
        by_district.setdefault(station.district_id or 0, []).append(station)
    rows: list[dict[str, Any]] = []
    for district in districts:
        found = by_district.get(district.pk, [])
        for station in found:
            rows.append(
                {
                    "number": station.number or station.code,
                    "situation": ", ".join([station.place.name, *station.place.address_lines]),
                    "district": district.code,
                    "district_name": district.name,
                }
            )
        if not found:
            place = district.polling_place
            situation = ", ".join([place.name, *place.address_lines]) if place else district.polling_place_description
            rows.append(
                {
                    "number": "",
                    "situation": situation or "To be confirmed",
                    "district": district.code,
                    "district_name": district.name,
                }
            )
    return rows


# ---- timetables -----------------------------------------------------------------------------------


@dataclass
class TimetableRow:
    entry: TimetableEntry
    due: dt.datetime | None
    rag: str  # "done", "overdue", "soon", "later", "choose"
    is_next: bool = False

    @property
    def tag(self) -> tuple[str, str]:
        """(GOV.UK tag colour class, words)."""
        return {
            "done": ("govuk-tag--green", "Done"),
            "overdue": ("govuk-tag--red", "Overdue"),
            "soon": ("govuk-tag--yellow", "Due soon"),
            "later": ("govuk-tag--grey", "Not due yet"),
            "choose": ("govuk-tag--purple", "RO to choose"),
        }[self.rag]


SOON_DAYS = 7


def entry_due(entry: TimetableEntry) -> dt.datetime | None:
    """The moment a deadline passes, in Europe/London: its time, or the end of its day."""
    if entry.due_date is None:
        return None
    moment = dt.datetime.combine(entry.due_date, entry.due_time or dt.time(23, 59, 59))
    return timezone.make_aware(moment)


def timetable_rows(group: ElectionGroup, now: dt.datetime | None = None) -> list[TimetableRow]:
    """The timetable with a red/amber/green status per row and the next deadline marked."""
    now = now or timezone.now()
    rows: list[TimetableRow] = []
    for entry in group.timetable.all().order_by("due_date", "due_time", "id"):
        due = entry_due(entry)
        if entry.done_on is not None:
            rag = "done"
        elif due is None:
            rag = "choose"
        elif due < now:
            rag = "overdue"
        elif due - now <= dt.timedelta(days=SOON_DAYS):
            rag = "soon"
        else:
            rag = "later"
        rows.append(TimetableRow(entry, due, rag))
    upcoming = [r for r in rows if r.due is not None and r.due >= now and r.rag != "done"]
    if upcoming:
        min(upcoming, key=lambda r: r.due or now).is_next = True
    rows.sort(key=lambda r: (r.due is None, r.due or now, r.entry.pk))
    return rows


@dataclass(frozen=True)
class TimetableChange:
    entry: TimetableEntry
    due_date: dt.date | None
    due_time: dt.time | None


def timetable_changes(group: ElectionGroup) -> list[TimetableChange]:
    """The stored deadlines that the timetable computed now (with the council's calendar days)
    would move. Deadlines already done and dates the Returning Officer chooses are left alone."""
    try:
        rows = law.timetable(group.election_type, group.nation, group.poll_date, authority_id=group.authority_id)
    except law.LawError:
        return []
    fixed = {r.key: r for r in rows if not r.ro_chooses}
    changes = []
    for entry in group.timetable.filter(done_on=None, ro_chooses=False).order_by("due_date", "due_time", "id"):
        row = fixed.get(entry.key)
        if row is not None and (row.day, row.time) != (entry.due_date, entry.due_time):
            changes.append(TimetableChange(entry, row.day, row.time))
    return changes


def groups_with_timetable_changes(user: Any) -> list[tuple[ElectionGroup, int]]:
    """Upcoming elections of the user's council whose stored timetable the calendar would move."""
    found = []
    for group in ElectionGroup.objects.filter(authority_id=user.authority_id, poll_date__gte=timezone.localdate()):
        changes = timetable_changes(group)
        if changes:
            found.append((group, len(changes)))
    return found


def deadline(group: ElectionGroup, *keys: str) -> tuple[TimetableEntry | None, dt.datetime | None]:
    """The first of ``keys`` that the group's timetable has a date for."""
    entries = {e.key: e for e in group.timetable.filter(key__in=keys)}
    for key in keys:
        entry = entries.get(key)
        if entry is not None and entry.due_date is not None:
            return entry, entry_due(entry)
    return None, None


def register_date(group: ElectionGroup) -> dt.date:
    """The date of the register in force for nominations: the last day for the notice of election
    (elections.md §3.2: "in force on last day for NoE"; for principal areas, 25 working days before
    the poll). For a by-election whose date the RO chooses, the day the notice was published."""
    entry, _due = deadline(group, "notice_of_election")
    if entry is not None and entry.due_date is not None:
        return entry.due_date
    published = group.ballots.exclude(notice_published_at=None).order_by("notice_published_at").first()
    if published is not None and published.notice_published_at is not None:
        return timezone.localtime(published.notice_published_at).date()
    return timezone.localdate()


# ---- candidates and the SOPN -------------------------------------------------------------------


def ballot_candidates(ballot: Ballot) -> list[Candidate]:
    subscribers = Subscriber.objects.order_by("position").select_related("elector", "elector__polling_district")
    papers = NominationPaper.objects.order_by("received_at", "id").prefetch_related(
        Prefetch("subscribers", queryset=subscribers), "decisions"
    )
    candidates = list(
        ballot.candidates.select_related("deposit", "withdrawal", "agent").prefetch_related(
            Prefetch("papers", queryset=papers)
        )
    )
    if ballot.voting_system == VotingSystem.DHONDT:
        # Closed lists: party by party, each in list-position order (``law.closed_list_sort_key``).
        return sorted(
            candidates, key=lambda c: law.closed_list_sort_key(_list_party(c), c.list_position, *c.ballot_name)
        )
    return sorted(candidates, key=lambda c: law.sopn_sort_key(*c.ballot_name))


def _list_party(candidate: Candidate) -> str:
    """The party list a candidate at a closed-list ballot is on; empty for an individual candidate."""
    return candidate.party_name if candidate.affiliation == Affiliation.PARTY else ""


def _related(candidate: Candidate, name: str) -> Any:
    try:
        return getattr(candidate, name)
    except ObjectDoesNotExist:  # a reverse one-to-one with no row
        return None


def candidate_withdrawal(candidate: Candidate) -> Any:
    return _related(candidate, "withdrawal")


def candidate_deposit(candidate: Candidate) -> Any:
    return _related(candidate, "deposit")


def candidate_agent(candidate: Candidate) -> Any:
    return _related(candidate, "agent")


def used_paper(candidate: Candidate) -> NominationPaper | None:
    """The paper whose subscribers the SOPN prints: the first valid one, else the first received."""
    papers = list(candidate.papers.all())
    valid = [p for p in papers if p.status == "valid"]
    chosen = valid or papers
    return chosen[0] if chosen else None


def sopn(ballot: Ballot) -> dict[str, Any]:
    """The statement of persons nominated, as plain data (elections.md §3.5).

    Persons standing nominated first, then persons no longer standing with the reason; each list
    alphabetical by surname then other names (``law.sopn_sort_key``), names as commonly used. At a
    closed-list (D'Hondt) ballot each party's list comes together in list-position order
    (``ballot_candidates``), and each row carries the list and the position.
    """
    standing: list[dict[str, Any]] = []
    not_standing: list[dict[str, Any]] = []
    for candidate in ballot_candidates(ballot):
        surname, other_names = candidate.ballot_name
        paper = used_paper(candidate)
        subscribers = []
        if paper is not None:
            for sub in paper.subscribers.all():
                if sub.role in ("proposer", "seconder"):
                    subscribers.append({"role": sub.get_role_display(), "name": sub.name_written or sub.register_name})
        row = {
            "surname": surname.upper(),
            "other_names": other_names,
            "description": candidate.description,
            "address": candidate.address_shown,
            "subscribers": subscribers,
            "status": candidate.status,
            "reason": "",
            "list": _list_party(candidate) if ballot.voting_system == VotingSystem.DHONDT else "",
            "list_position": candidate.list_position or "",
        }
        if candidate.status in (CandidateStatus.VALID, CandidateStatus.ELECTED, CandidateStatus.NOT_ELECTED):
            standing.append(row)
        elif candidate.status == CandidateStatus.WITHDRAWN:
            row["reason"] = "Withdrawn"
            not_standing.append(row)
        elif candidate.status == CandidateStatus.INVALID:
            row["reason"] = "Nomination invalid" + (f": {candidate.status_reason}" if candidate.status_reason else "")
            not_standing.append(row)
        else:
            row["reason"] = "Awaiting decision"
            not_standing.append(row)
    return {"standing": standing, "not_standing": not_standing}


def standing_candidates(ballot: Ballot) -> list[Candidate]:
    return [
        c
        for c in ballot_candidates(ballot)
        if c.status in (CandidateStatus.VALID, CandidateStatus.ELECTED, CandidateStatus.NOT_ELECTED)
    ]
