"""Polling: who may vote at each ballot, the polling stations a poll uses, and what they need.

A ``Poll`` is the polling-day work of one election (``ElectionGroup``) or one combined poll
(``CombinedPoll``, elections.md §1.1): its eligibility runs, its station allocation and ballot
paper numbers, its packs and poll cards all hang from it.

**The register in force.** For each ballot the register is the register as at the registration
deadline (the timetable's ``registration`` entry: the *freeze*), plus only the changes the law
lets in after it. A ``LateEntry`` records such an exception for one elector (RPA 1983 s.13B:
clerical error, court decision, application made in time and determined later); see
``eligibility.py`` for how alterations are read.

**Eligibility runs.** An ``EligibilityRun`` decides every elector of each ballot's area with
``ems_rules.eligibility`` and stores one ``EligibilityEntry`` per (ballot, elector): eligible or
not, with the reason as two small numbers (the reason code's place in ``law.REASON_CODES`` and
the run's own list of reason sentences, ``EligibilityRun.decisions``). ``EligibilityChange``
rows are the preview: who entered or left each ballot's electorate since the previous
signed-off run. A run must be signed off (``SIGN_OFF_ELECTIONS``) before anything is produced
from it, and a signed-off run goes stale once the register or the late entries change.

The two bulk tables (entries and changes) carry no authority column and no foreign-key
constraints: they are written only by the run (COPY on PostgreSQL), read only through their
run, which is authority-scoped, and would otherwise cost a look-up per row at a million rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ems.core.models import AuthorityScopedModel
from ems.elections.models import Ballot, CombinedPoll, ElectionGroup
from ems.geography.models import PollingDistrict, PollingStation


class Poll(AuthorityScopedModel):
    """The polling arrangements of one election, or of one combined poll."""

    group = models.OneToOneField(ElectionGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    combined = models.OneToOneField(CombinedPoll, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    poll_date = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-poll_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(group__isnull=False) & models.Q(combined__isnull=True))
                | (models.Q(group__isnull=True) & models.Q(combined__isnull=False)),
                name="poll_one_election_or_combined",
            ),
        ]
        indexes = [models.Index(fields=["authority", "poll_date"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_combined(self) -> bool:
        return self.combined_id is not None

    def ballots(self) -> models.QuerySet[Ballot]:
        """The ballots polled: a combined poll's ballots, or every ballot of the election."""
        if self.combined_id is not None:
            found = Ballot.objects.filter(combined_polls__pk=self.combined_id)
        else:
            found = Ballot.objects.filter(group_id=self.group_id)
        return (
            found.filter(authority_id=self.authority_id).select_related("group", "area").order_by("group_id", "title")
        )


class LateEntry(AuthorityScopedModel):
    """An alteration after the registration deadline that counts for a poll, and why (RPA 1983 s.13B).

    For one elector and either one ballot or a whole election (``group``). It lets in the
    elector's alterations that take effect after the deadline, up to the last day its basis
    allows (``ems_rules.eligibility.LateEntryBasis``); the engine checks that day.
    """

    elector = models.ForeignKey("register.Elector", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(ElectionGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ballot = models.ForeignKey(Ballot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=30)
    reference = models.CharField(max_length=200, help_text="The court order, application or correction reference")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group__isnull=False) | models.Q(ballot__isnull=False),
                name="late_entry_for_ballot_or_group",
            ),
        ]
        indexes = [models.Index(fields=["authority", "elector"])]

    def __str__(self) -> str:
        return f"Late entry {self.pk} ({self.basis})"


class RunState(models.TextChoices):
    RUNNING = "running", "Running"
    READY = "ready", "Ready for sign-off"
    SIGNED_OFF = "signed_off", "Signed off"
    FAILED = "failed", "Failed"


class EligibilityRun(AuthorityScopedModel):
    """One computation of who may vote at each ballot of a poll, and its sign-off."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="runs")
    number = models.PositiveIntegerField(help_text="1, 2, 3 … within the poll")
    state = models.CharField(max_length=12, choices=RunState.choices, default=RunState.RUNNING)
    job = models.ForeignKey("jobs.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The signed-off run this one is compared with",
    )
    poll_date = models.DateField()
    decisions = models.JSONField(
        default=list, blank=True, help_text="[eligible, code, reason, citation] per distinct decision"
    )
    ballot_ids = models.JSONField(default=list, blank=True, help_text="The ballots decided, as at the start")
    freeze_dates = models.JSONField(default=dict, blank=True, help_text="Ballot id → registration deadline used")
    alteration_mark = models.BigIntegerField(default=0, help_text="Highest register alteration id seen")
    late_entry_mark = models.BigIntegerField(default=0, help_text="Highest late entry id seen")
    electors = models.PositiveIntegerField(default=0, help_text="Register entries read")
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["authority", "poll", "number"], name="uniq_run_number")]
        indexes = [models.Index(fields=["authority", "poll", "state"])]

    def __str__(self) -> str:
        return f"Eligibility run {self.number} of {self.poll}"


class RunBallot(AuthorityScopedModel):
    """One ballot of a run: the facts used and the headline counts."""

    run = models.ForeignKey(EligibilityRun, on_delete=models.PROTECT, related_name="ballots")
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="+")
    freeze_date = models.DateField(help_text="The registration deadline")
    final_notice_date = models.DateField(null=True, blank=True)
    considered = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    excluded = models.PositiveIntegerField(default=0)
    after_deadline = models.PositiveIntegerField(default=0, help_text="Excluded: added after the deadline")
    late_included = models.PositiveIntegerField(default=0, help_text="Included under a legal exception")
    entered = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)
    reason_changed = models.PositiveIntegerField(default=0)
    postal = models.PositiveIntegerField(default=0, help_text="Eligible postal voters (incl. postal proxies)")
    reasons = models.JSONField(default=dict, blank=True, help_text="Reason code → electors excluded for it")

    class Meta:
        ordering = ["run", "ballot__title"]
        constraints = [models.UniqueConstraint(fields=["authority", "run", "ballot"], name="uniq_run_ballot")]

    def __str__(self) -> str:
        return f"{self.ballot} in {self.run}"


class EligibilityEntry(models.Model):
    """One elector's decision at one ballot of a run (see the module docstring on the bulk tables).

    ``district``, ``number`` and ``suffix`` are those of the entry in force for the poll, which
    may differ from the elector's current record (a move after the registration deadline)."""

    run = models.ForeignKey(EligibilityRun, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    ballot = models.ForeignKey(Ballot, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    elector = models.ForeignKey(
        "register.Elector", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    district = models.ForeignKey(
        PollingDistrict, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    number = models.PositiveIntegerField(help_text="Elector number in the entry in force")
    suffix = models.PositiveIntegerField(default=0)
    eligible = models.BooleanField()
    code = models.PositiveSmallIntegerField(help_text="Index in polling.law.REASON_CODES")
    detail = models.PositiveSmallIntegerField(help_text="Index in the run's decisions")
    late = models.BooleanField(default=False, help_text="Let in under a late entry exception")

    class Meta:
        indexes = [models.Index(fields=["run", "ballot", "elector"], name="polling_entry_run_ballot")]

    def __str__(self) -> str:
        return f"{self.elector_id} at {self.ballot_id}: {'eligible' if self.eligible else 'excluded'}"


class ChangeKind(models.TextChoices):
    ENTERED = "entered", "Entered the electorate"
    LEFT = "left", "Left the electorate"
    REASON_CHANGED = "reason_changed", "Reason changed"


class EligibilityChange(models.Model):
    """The preview: one elector who entered or left a ballot's electorate since the previous
    signed-off run (or whose reason changed), with the reasons before and after."""

    run = models.ForeignKey(EligibilityRun, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    ballot = models.ForeignKey(Ballot, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    elector = models.ForeignKey(
        "register.Elector", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    change = models.CharField(max_length=16, choices=ChangeKind.choices)
    before_code = models.SmallIntegerField(null=True, blank=True)
    before_detail = models.SmallIntegerField(null=True, blank=True, help_text="Index in the previous run's decisions")
    after_code = models.SmallIntegerField()
    after_detail = models.SmallIntegerField(help_text="Index in this run's decisions; -1: not in the run")

    class Meta:
        indexes = [models.Index(fields=["run", "ballot", "change"], name="polling_change_run_ballot")]

    def __str__(self) -> str:
        return f"{self.elector_id} {self.change} at {self.ballot_id}"


# ---- stations --------------------------------------------------------------------------------------


class StationDetails(AuthorityScopedModel):
    """What the poll needs to know about a polling station beyond geography: the accessibility
    survey, contacts, capacity and costs."""

    station = models.OneToOneField(PollingStation, on_delete=models.PROTECT, related_name="+")
    surveyed_on = models.DateField(null=True, blank=True)
    surveyed_by = models.CharField(max_length=200, blank=True)
    step_free = models.BooleanField(default=False, help_text="Step-free access, or a permanent or temporary ramp")
    accessible_parking = models.BooleanField(default=False)
    hearing_loop = models.BooleanField(default=False)
    accessible_toilet = models.BooleanField(default=False)
    private_id_area = models.BooleanField(
        default=False, help_text="An area for private inspection of photo ID (VIR 2022, elections.md §4.3)"
    )
    lighting_ok = models.BooleanField(default=False, help_text="Adequate lighting, including outside")
    survey_notes = models.TextField(blank=True)
    booths = models.PositiveSmallIntegerField(default=0, help_text="Voting compartments the room takes")
    max_staff = models.PositiveSmallIntegerField(default=0, help_text="Staff the room takes; 0: not recorded")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    keyholder = models.CharField(max_length=200, blank=True)
    hire_cost_pence = models.PositiveIntegerField(default=0)
    other_costs_pence = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "station details"

    def __str__(self) -> str:
        return f"Details of {self.station_id}"

    @property
    def accessibility_gaps(self) -> list[str]:
        gaps = []
        for name, label in (
            ("step_free", "no step-free access"),
            ("private_id_area", "no private area for photo ID checks"),
            ("lighting_ok", "lighting not confirmed"),
        ):
            if not getattr(self, name):
                gaps.append(label)
        return gaps


class StationAllocation(AuthorityScopedModel):
    """A polling district (or a range of its elector numbers) allotted to a station for a poll."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="allocations")
    station = models.ForeignKey(PollingStation, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(PollingDistrict, on_delete=models.PROTECT, related_name="+")
    from_number = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: the whole district")
    to_number = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["district__code", "from_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "poll", "district", "station"], name="uniq_allocation_district_station"
            ),
            models.CheckConstraint(
                condition=models.Q(from_number__isnull=True, to_number__isnull=True)
                | models.Q(from_number__isnull=False, to_number__isnull=False, from_number__lte=models.F("to_number")),
                name="allocation_range_whole_or_ordered",
            ),
        ]
        indexes = [models.Index(fields=["authority", "poll"])]

    def __str__(self) -> str:
        return f"{self.district_id} → {self.station_id}"

    def covers(self, number: int) -> bool:
        if self.from_number is None or self.to_number is None:
            return True
        return self.from_number <= number <= self.to_number


class BallotPaperRange(AuthorityScopedModel):
    """The ballot paper numbers of one ballot given to a station (``station`` empty: postal issue)."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="ranges")
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(PollingStation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    first_number = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField()
    electors = models.PositiveIntegerField(default=0, help_text="Electors the range was sized for")
    run = models.ForeignKey(EligibilityRun, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["ballot", "first_number"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "ballot", "station"], name="uniq_range_ballot_station"),
            models.UniqueConstraint(fields=["authority", "ballot", "first_number"], name="uniq_range_first"),
            models.CheckConstraint(condition=models.Q(first_number__lte=models.F("last_number")), name="range_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_number}–{self.last_number}"

    @property
    def size(self) -> int:
        return self.last_number - self.first_number + 1
