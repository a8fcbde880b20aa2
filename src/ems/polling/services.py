"""Writes for polling: every one in one transaction with its audit row.

Nothing is produced for electors (poll cards, packs, ballot paper numbers) except from the
poll's **signed-off, current** eligibility run (``selectors.production_run``): an unsigned or
stale run is refused with a sentence saying what to do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ems.accounts.roles import Permission
from ems.audit.services import audit_record, snapshot
from ems.elections.models import Ballot, CombinedPoll, ElectionGroup
from ems.geography.models import PollingDistrict, PollingStation
from ems.jobs.models import JobRun
from ems.jobs.services import job_start
from ems.register.models import Elector

from . import law, selectors
from .eligibility import RunRefused, marker_rules, plan_ballots
from .models import (
    BallotPaperRange,
    EligibilityRun,
    LateEntry,
    Poll,
    RunState,
    StationAllocation,
    StationDetails,
)

if TYPE_CHECKING:
    from ems.accounts.models import User
    from ems.core.models import Authority

RUN_JOB = "polling.eligibility"
PACKS_JOB = "polling.station_packs"
POLL_CARDS_JOB = "polling.poll_cards"
CARD_FORMATS = ("csv", "pdf")


def _same_authority(authority_id: int, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "authority_id", authority_id) != authority_id:
            raise ValidationError("That record belongs to another authority")


def _user(acting_user: User | None) -> User | None:
    return acting_user if acting_user is not None and acting_user.pk else None


# ---- the poll ---------------------------------------------------------------------------------------


@transaction.atomic
def poll_open(
    *,
    acting_user: User | None,
    authority: Authority,
    group: ElectionGroup | None = None,
    combined: CombinedPoll | None = None,
) -> Poll:
    """Begin the polling arrangements of an election or a combined poll (once: later calls return it)."""
    if (group is None) == (combined is None):
        raise ValidationError("Choose an election or a combined poll")
    _same_authority(authority.pk, group, combined)
    existing = Poll.objects.filter(authority=authority, group=group, combined=combined).first()
    if existing is not None:
        return existing
    record: Any = group if group is not None else combined
    poll = Poll.objects.create(
        authority=authority,
        group=group,
        combined=combined,
        name=record.name,
        poll_date=record.poll_date,
        created_by=_user(acting_user),
    )
    audit_record(
        actor=acting_user,
        authority=authority,
        action="polling.poll.open",
        obj=poll,
        after=snapshot(poll, ["name", "poll_date", "group_id", "combined_id"]),
    )
    return poll


# ---- the register in force: late entries ---------------------------------------------------------------


@transaction.atomic
def late_entry_record(
    *,
    acting_user: User | None,
    poll: Poll,
    elector: Elector,
    basis: str,
    reference: str,
    note: str = "",
    ballot: Ballot | None = None,
) -> list[LateEntry]:
    """Record the legal exception under which an elector's change after the registration deadline
    counts for this poll (one row per election of the poll, or for one ballot)."""
    _same_authority(poll.authority_id, elector, ballot)
    if basis not in {b.value for b in law.LateEntryBasis}:
        raise ValidationError({"basis": "Choose the legal exception that applies"})
    reference = " ".join(str(reference or "").split())[:200]
    if not reference:
        raise ValidationError({"reference": "Enter the reference of the court order, application or correction"})
    ballots = list(poll.ballots())
    if ballot is not None and ballot.pk not in {b.pk for b in ballots}:
        raise ValidationError({"ballot": "That ballot is not part of this poll"})
    targets: list[tuple[Ballot | None, ElectionGroup | None]]
    if ballot is not None:
        targets = [(ballot, None)]
    else:
        groups = {b.group_id: b.group for b in ballots}
        if not groups and poll.group is not None:
            groups = {poll.group.pk: poll.group}
        targets = [(None, group) for group in groups.values()]
    made = []
    for target_ballot, target_group in targets:
        entry = LateEntry.objects.create(
            authority_id=poll.authority_id,
            elector=elector,
            ballot=target_ballot,
            group=target_group,
            basis=basis,
            reference=reference,
            note=str(note or "")[:2000],
            recorded_by=_user(acting_user),
        )
        made.append(entry)
        audit_record(
            actor=acting_user,
            authority=poll.authority,
            action="polling.late_entry.record",
            obj=entry,
            after={
                **snapshot(entry, ["elector_id", "ballot_id", "group_id", "basis", "reference"]),
                "elector_number": elector.elector_number_display,
                "citation": law.late_basis_citation(basis),
            },
            reason=reference,
        )
    return made


# ---- eligibility runs ----------------------------------------------------------------------------------


@transaction.atomic
def eligibility_run_start(*, acting_user: User | None, poll: Poll, enqueue: bool = True) -> EligibilityRun:
    """Start deciding who may vote at each ballot of the poll (a job); the run then awaits sign-off."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    running = selectors.runs_of(poll).filter(state=RunState.RUNNING).select_related("job").first()
    if running is not None and (running.job is None or running.job.is_active):
        raise ValidationError(f"Eligibility run {running.number} is still running: wait for it to finish")
    if running is not None:  # its job ended without finishing the run
        EligibilityRun.objects.filter(pk=running.pk).update(state=RunState.FAILED, error="The job stopped")
    ballots = selectors.contested_ballots(poll)
    try:
        plans, _freezes = plan_ballots(poll, ballots, marker_rules())
    except RunRefused as error:
        raise ValidationError(str(error)) from error
    number = (selectors.runs_of(poll).aggregate(n=Max("number"))["n"] or 0) + 1
    run = EligibilityRun.objects.create(
        authority_id=poll.authority_id,
        poll=poll,
        number=number,
        previous=selectors.latest_signed_off(poll),
        poll_date=plans[0].facts.poll_date,
        ballot_ids=[p.ballot.pk for p in plans],
        freeze_dates={str(p.ballot.pk): p.facts.freeze_date.isoformat() for p in plans},
        started_by=_user(acting_user),
    )
    job = job_start(
        acting_user=acting_user, authority=poll.authority, kind=RUN_JOB, params={"run_id": run.pk}, enqueue=enqueue
    )
    run.job = job
    run.save(update_fields=["job"])
    audit_record(
        actor=acting_user,
        authority=poll.authority,
        action="polling.eligibility.start",
        obj=run,
        after={
            "poll": poll.name,
            "number": number,
            "ballots": [p.ballot.dc_ballot_id for p in plans],
            "registration_deadlines": run.freeze_dates,
            "previous_run": run.previous_id,
            "job": job.pk,
        },
    )
    return run


@transaction.atomic
def eligibility_run_sign_off(
    *, acting_user: User | None, run: EligibilityRun, note: str = "", exclusions_reviewed: bool = False
) -> EligibilityRun:
    """The Returning Officer's sign-off of a run's preview: from now on it is the eligibility list."""
    if acting_user is None or not acting_user.has_ems_permission(Permission.SIGN_OFF_ELECTIONS):
        raise ValidationError("Only the Returning Officer or a deputy can sign off eligibility")
    run = EligibilityRun.objects.select_for_update().select_related("poll").get(pk=run.pk)
    if run.authority_id != acting_user.authority_id:
        raise ValidationError("That record belongs to another authority")
    if run.state == RunState.SIGNED_OFF:
        raise ValidationError(f"Run {run.number} is already signed off")
    if run.state != RunState.READY:
        raise ValidationError(
            f"Run {run.number} is {run.get_state_display().lower()}: only a finished run can be signed off"
        )
    later = selectors.runs_of(run.poll).filter(number__gt=run.number).exclude(state=RunState.FAILED).first()
    if later is not None:
        raise ValidationError(f"Run {later.number} is newer: review and sign off that one instead")
    stale = selectors.run_staleness(run)
    if stale:
        raise ValidationError(f"The register has changed since this run: {stale[0]}. Run the eligibility check again")
    ballots = selectors.run_ballots(run)
    after_deadline = sum(b.after_deadline for b in ballots)
    if after_deadline and not exclusions_reviewed:
        raise ValidationError(
            {
                "exclusions_reviewed": f"Confirm you have reviewed the {after_deadline:,} elector"
                f"{'s' if after_deadline != 1 else ''} added after the registration deadline and excluded"
            }
        )
    run.state = RunState.SIGNED_OFF
    run.signed_off_by = acting_user
    run.signed_off_at = timezone.now()
    run.sign_off_note = str(note or "")[:2000]
    run.save(update_fields=["state", "signed_off_by", "signed_off_at", "sign_off_note"])
    audit_record(
        actor=acting_user,
        authority=run.poll.authority,
        action="polling.eligibility.sign_off",
        obj=run,
        before={"state": RunState.READY.value},
        after={
            "state": run.state,
            "ballots": {
                b.ballot.dc_ballot_id: {
                    "eligible": b.eligible,
                    "excluded": b.excluded,
                    "after_deadline": b.after_deadline,
                    "late_included": b.late_included,
                    "entered": b.entered,
                    "left": b.left,
                }
                for b in ballots
            },
        },
        reason=run.sign_off_note,
    )
    return run


def _usable_run(poll: Poll) -> EligibilityRun:
    status = selectors.production_run(poll)
    if not status.ok or status.run is None:
        raise ValidationError(status.problem)
    return status.run


# ---- stations ------------------------------------------------------------------------------------------

DETAIL_FIELDS = [
    "surveyed_on", "surveyed_by", "step_free", "accessible_parking", "hearing_loop", "accessible_toilet",
    "private_id_area", "lighting_ok", "survey_notes", "booths", "max_staff", "contact_name", "contact_phone",
    "contact_email", "keyholder", "hire_cost_pence", "other_costs_pence",
]  # fmt: skip


@transaction.atomic
def station_details_save(
    *, acting_user: User | None, station: PollingStation, values: Mapping[str, Any]
) -> StationDetails:
    """Record a station's accessibility survey, contacts, capacity and costs."""
    unknown = set(values) - set(DETAIL_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown station details: {', '.join(sorted(unknown))}")
    details = StationDetails.objects.select_for_update().filter(station=station).first()
    before = snapshot(details, DETAIL_FIELDS) if details is not None else None
    if details is None:
        details = StationDetails(authority_id=station.authority_id, station=station)
    for name, value in values.items():
        setattr(details, name, value)
    details.full_clean(exclude=["authority", "station"])
    details.save()
    audit_record(
        actor=acting_user,
        authority=station.authority,
        action="polling.station_details.save",
        obj=details,
        before=before,
        after=snapshot(details, DETAIL_FIELDS),
    )
    return details


@transaction.atomic
def station_allocation_set(
    *,
    acting_user: User | None,
    poll: Poll,
    district: PollingDistrict,
    station: PollingStation,
    from_number: int | None = None,
    to_number: int | None = None,
) -> StationAllocation:
    """Allot a polling district (or a range of its elector numbers) to a station for this poll."""
    _same_authority(poll.authority_id, district, station)
    Poll.objects.select_for_update().get(pk=poll.pk)
    if district.pk not in {d.pk for d in selectors.poll_districts(poll)}:
        raise ValidationError({"district": f"Polling district {district.code} is not in any ballot of this poll"})
    if (from_number is None) != (to_number is None):
        raise ValidationError({"from_number": "Give both ends of the elector number range, or neither"})
    if from_number is not None and to_number is not None and from_number > to_number:
        raise ValidationError({"from_number": "The range must start at or before its end"})
    existing = list(StationAllocation.objects.filter(authority_id=poll.authority_id, poll=poll, district=district))
    for other in existing:
        if other.station_id == station.pk:
            continue
        whole = other.from_number is None or from_number is None
        if whole or not (to_number < other.from_number or from_number > other.to_number):  # type: ignore[operator]
            raise ValidationError(
                {
                    "from_number": f"District {district.code} is already allotted to station "
                    f"{other.station.number or other.station.code}"
                    + (f" for numbers {other.from_number}–{other.to_number}" if other.from_number else "")
                    + ": split it into ranges that do not overlap"
                }
            )
    allocation = next((a for a in existing if a.station_id == station.pk), None)
    before = snapshot(allocation, ["station_id", "from_number", "to_number"]) if allocation else None
    if allocation is None:
        allocation = StationAllocation(authority_id=poll.authority_id, poll=poll, district=district, station=station)
    allocation.from_number, allocation.to_number = from_number, to_number
    allocation.save()
    audit_record(
        actor=acting_user,
        authority=poll.authority,
        action="polling.allocation.set",
        obj=allocation,
        before=before,
        after={
            **snapshot(allocation, ["station_id", "from_number", "to_number"]),
            "district": district.code,
            "station": station.number or station.code,
        },
    )
    return allocation


@transaction.atomic
def station_allocation_remove(*, acting_user: User | None, allocation: StationAllocation) -> None:
    before = {
        **snapshot(allocation, ["station_id", "district_id", "from_number", "to_number"]),
        "poll_id": allocation.poll_id,
    }
    audit_record(
        actor=acting_user,
        authority=allocation.poll.authority,
        action="polling.allocation.remove",
        obj=allocation,
        before=before,
    )
    allocation.delete()


@transaction.atomic
def ballot_papers_allocate(*, acting_user: User | None, poll: Poll) -> list[BallotPaperRange]:
    """Number the ballot papers of each ballot: postal issue first, then each station in turn,
    each range sized from the signed-off electorate (``law.ballot_papers_needed``). Ranges of a
    ballot never overlap; allocating again replaces them."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    run = _usable_run(poll)
    allocations = selectors.allocations_of(poll)
    missing = selectors.unallocated_districts(poll)
    if missing or not allocations:
        codes = ", ".join(d.code for d in missing[:10]) + (" …" if len(missing) > 10 else "")
        raise ValidationError(f"Allot every polling district to a station first (not yet: {codes or 'all'})")
    counts = selectors.allocation_counts(run, allocations)
    stations = sorted({a.station_id: a.station for a in allocations}.values(), key=lambda s: (s.number, s.code))
    before = [
        [r.ballot_id, r.station_id, r.first_number, r.last_number]
        for r in BallotPaperRange.objects.filter(authority_id=poll.authority_id, poll=poll)
    ]
    BallotPaperRange.objects.filter(authority_id=poll.authority_id, poll=poll).delete()
    made: list[BallotPaperRange] = []
    for run_ballot in selectors.run_ballots(run):
        ballot = run_ballot.ballot
        next_number = 1
        postal_size = law.ballot_papers_needed(run_ballot.postal)
        made.append(
            BallotPaperRange(
                authority_id=poll.authority_id, poll=poll, ballot=ballot, station=None, run=run,
                first_number=next_number, last_number=next_number + postal_size - 1, electors=run_ballot.postal,
            )
        )  # fmt: skip
        next_number += postal_size
        for station in stations:
            electors, postal = counts.get((station.pk, ballot.pk), (0, 0))
            if electors == 0:
                continue
            size = law.ballot_papers_needed(electors - postal)
            made.append(
                BallotPaperRange(
                    authority_id=poll.authority_id, poll=poll, ballot=ballot, station=station, run=run,
                    first_number=next_number, last_number=next_number + size - 1, electors=electors - postal,
                )
            )  # fmt: skip
            next_number += size
    BallotPaperRange.objects.bulk_create(made)
    audit_record(
        actor=acting_user,
        authority=poll.authority,
        action="polling.ballot_papers.allocate",
        obj=poll,
        before={"ranges": before} if before else None,
        after={
            "run": run.number,
            "ranges": [[r.ballot_id, r.station_id, r.first_number, r.last_number] for r in made],
            "policy": f"electors + max({law.MIN_MARGIN}, {law.BALLOT_PAPER_MARGIN:.0%}), in books of {law.BOOK_SIZE}",
        },
    )
    return made


# ---- jobs: packs and poll cards ------------------------------------------------------------------------


@transaction.atomic
def station_packs_start(*, acting_user: User | None, poll: Poll, enqueue: bool = True) -> JobRun:
    """Produce each station's pack (register with absent-vote marks, list of proxies, corresponding
    number list and ballot paper account per ballot) from the signed-off run."""
    run = _usable_run(poll)
    ranges = selectors.ranges_of(poll)
    if not ranges or any(r.run_id != run.pk for r in ranges):
        raise ValidationError(
            "Number the ballot papers from the current signed-off eligibility list first "
            "(Allocate ballot paper numbers)"
        )
    job = job_start(
        acting_user=acting_user,
        authority=poll.authority,
        kind=PACKS_JOB,
        params={"poll_id": poll.pk, "run_id": run.pk},
        enqueue=enqueue,
    )
    audit_record(
        actor=acting_user,
        authority=poll.authority,
        action="polling.station_packs.start",
        obj=poll,
        after={"run": run.number, "job": job.pk},
    )
    return job


@transaction.atomic
def poll_cards_start(
    *, acting_user: User | None, poll: Poll, formats: Sequence[str] = CARD_FORMATS, enqueue: bool = True
) -> JobRun:
    """Produce the poll cards (print-supplier CSV and/or 2-up PDF) from the signed-off run."""
    run = _usable_run(poll)
    wanted = [f for f in CARD_FORMATS if f in set(formats)]
    if not wanted:
        raise ValidationError({"formats": "Choose the CSV file, the PDF, or both"})
    problems = selectors.poll_card_problems(poll)
    if problems:
        raise ValidationError(problems[0])
    job = job_start(
        acting_user=acting_user,
        authority=poll.authority,
        kind=POLL_CARDS_JOB,
        params={"poll_id": poll.pk, "run_id": run.pk, "formats": wanted},
        enqueue=enqueue,
    )
    audit_record(
        actor=acting_user,
        authority=poll.authority,
        action="polling.poll_cards.start",
        obj=poll,
        after={"run": run.number, "formats": wanted, "job": job.pk},
    )
    return job
