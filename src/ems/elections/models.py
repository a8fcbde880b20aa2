"""Elections: polls, their ballots and timetable, nominations and the statutory notices.

The shape follows Democracy Club's identifiers (elections.md §12): an ``ElectionGroup`` is one
kind of poll on one date for this council (``local.2027-05-06``), and each ``Ballot`` is one
contest in one electoral area (``local.alpha.north-ward.2027-05-06``; ``.by`` marks a
by-election). The law's deadlines are computed by ``ems_rules.timetables`` (through
``law.py``) and stored as ``TimetableEntry`` rows, so officers can tick them off and record the
dates the Returning Officer chooses.

Nominations keep the legal record: each ``NominationPaper`` with its ``Subscriber`` rows as
written on the paper and the result of checking each against the register in force, the
Returning Officer's ``ValidityDecision``, ``Deposit``, ``Withdrawal`` and ``ElectionAgent``.
Decisions (validity, withdrawals, publication) are never edited in place: a later decision is
a new row, and every write is audited by ``services.py``.
"""

from __future__ import annotations

from django.db import models

from ems.core.models import AuthorityScopedModel, Nation
from ems.geography.models import ElectoralArea


class ElectionType(models.TextChoices):
    """The same names as ``ems_rules.timetables.ElectionType`` and ``ems timetable``."""

    UKPGE = "ukpge", "UK Parliamentary general election"
    UKP_BY = "ukp-by", "UK Parliamentary by-election"
    LOCAL = "local", "Local council elections"
    LOCAL_BY = "local-by", "Local council by-election"
    PARISH = "parish", "Parish or town council elections"
    PCC = "pcc", "Police and Crime Commissioner election"
    MAYOR_LOCAL = "mayor-local", "Local authority mayoral election"
    MAYOR_CA = "mayor-ca", "Combined authority mayoral election"
    GLA = "gla", "Greater London Authority elections"
    SENEDD = "senedd", "Senedd Cymru election"
    SCOTTISH_PARLIAMENT = "scottish-parliament", "Scottish Parliament election"
    NP_REFERENDUM = "np-referendum", "Neighbourhood planning referendum"


class VotingSystem(models.TextChoices):
    FPTP = "fptp", "First past the post"
    STV = "stv", "Single transferable vote"
    SV = "sv", "Supplementary vote"
    AMS = "ams", "Additional member system"
    DHONDT = "dhondt", "Closed list (D'Hondt)"
    REFERENDUM = "referendum", "Referendum (yes or no)"


class BallotStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    NOTICE_PUBLISHED = "notice_published", "Notice of election published"
    NOMINATIONS_CLOSED = "nominations_closed", "Nominations closed"
    SOPN_PUBLISHED = "sopn_published", "Statement of persons nominated published"
    POLLED = "polled", "Polled"
    DECLARED = "declared", "Result declared"


class ElectionGroup(AuthorityScopedModel):
    """One kind of poll on one date for this council, with its timetable."""

    name = models.CharField(max_length=200)
    election_type = models.CharField(max_length=30, choices=ElectionType.choices)
    nation = models.CharField(max_length=3, choices=Nation.choices)
    poll_date = models.DateField()
    dc_group_id = models.CharField(
        "Democracy Club election id", max_length=120, help_text="For example local.2027-05-06"
    )
    organisation_slug = models.SlugField(
        max_length=80, help_text="The council's part of each ballot id, for example sheffield"
    )
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-poll_date", "name"]
        constraints = [models.UniqueConstraint(fields=["authority", "dc_group_id"], name="uniq_election_group_id")]
        indexes = [models.Index(fields=["authority", "poll_date"])]

    def __str__(self) -> str:
        return self.name


class Ballot(AuthorityScopedModel):
    """One contest: an electoral area, its seats and its candidates.

    ``area`` is empty for a poll over the whole council area (a mayoral election, say).
    A by-election (``is_by_election``) carries the casual-vacancy facts that trigger it.
    """

    group = models.ForeignKey(ElectionGroup, on_delete=models.PROTECT, related_name="ballots")
    area = models.ForeignKey(ElectoralArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200, help_text="The contest as printed, for example North ward")
    seats = models.PositiveSmallIntegerField(default=1)
    voting_system = models.CharField(max_length=12, choices=VotingSystem.choices, default=VotingSystem.FPTP)
    dc_ballot_id = models.CharField("Democracy Club ballot id", max_length=200)
    is_by_election = models.BooleanField(default=False)
    vacancy_date = models.DateField(null=True, blank=True, help_text="When the casual vacancy arose")
    vacancy_notice_date = models.DateField(null=True, blank=True, help_text="When the notice of vacancy was given")
    elector_requests = models.PositiveSmallIntegerField(
        default=0, help_text="Written requests for an election received from local government electors"
    )
    poll_window_end = models.DateField(null=True, blank=True, help_text="Latest day the law allows for the poll")
    referendum_question = models.TextField(
        blank=True, help_text="A referendum: the question on the ballot paper, answered Yes or No"
    )
    status = models.CharField(max_length=20, choices=BallotStatus.choices, default=BallotStatus.DRAFT)
    uncontested = models.BooleanField(default=False, help_text="Returned without a poll")
    notice_published_at = models.DateTimeField(null=True, blank=True)
    nominations_closed_at = models.DateTimeField(null=True, blank=True)
    sopn_published_at = models.DateTimeField(null=True, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "dc_ballot_id"], name="uniq_ballot_id"),
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="ballot_seats_at_least_one"),
        ]
        indexes = [models.Index(fields=["authority", "status"])]

    def __str__(self) -> str:
        return self.title


class TimetableEntry(AuthorityScopedModel):
    """One deadline of a poll's statutory timetable, or a date the Returning Officer chooses."""

    group = models.ForeignKey(ElectionGroup, on_delete=models.PROTECT, related_name="timetable")
    key = models.CharField(max_length=60)
    label = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True, help_text="Empty until the Returning Officer chooses it")
    due_time = models.TimeField(null=True, blank=True, help_text="Where the law sets a time, for example 4pm")
    citation = models.CharField(max_length=300, blank=True)
    ro_chooses = models.BooleanField(default=False)
    earliest = models.DateField(null=True, blank=True, help_text="For a date the RO chooses: the law's window")
    latest = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due_date", "due_time", "key"]
        constraints = [models.UniqueConstraint(fields=["authority", "group", "key"], name="uniq_timetable_key")]

    def __str__(self) -> str:
        return self.label


class CombinedFunction(models.TextChoices):
    """Functions discharged by one Returning Officer at combined polls (CoP 2004 reg 5; elections.md §1.1)."""

    CORRESPONDING_NUMBER_LIST = "cnl", "Corresponding number lists"
    POLL_CARDS = "poll_cards", "Poll cards"
    POSTAL_ISSUE = "postal_issue", "Issue of postal ballot papers"
    POSTAL_RECEIPT = "postal_receipt", "Receipt of postal ballot papers"
    POLLING_STATIONS = "polling_stations", "Provision and staffing of polling stations"
    EQUIPMENT = "equipment", "Equipment for polling stations"
    VERIFICATION = "verification", "Ballot paper accounts and verification"


class CombinedPoll(AuthorityScopedModel):
    """Ballots taken together on one day, and who leads which combined functions (elections.md §1.1)."""

    name = models.CharField(max_length=200)
    poll_date = models.DateField()
    ballots = models.ManyToManyField(Ballot, related_name="combined_polls")
    lead_group = models.ForeignKey(
        ElectionGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The poll whose Returning Officer discharges the combined functions",
    )
    lead_officer = models.CharField(max_length=200, blank=True, help_text="The lead Returning Officer's name")
    functions = models.JSONField(default=list, blank=True, help_text="CombinedFunction values")
    mandatory = models.BooleanField(default=False, help_text="Combination required by RPA 1985 s.15(1)")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-poll_date", "name"]
        indexes = [models.Index(fields=["authority", "poll_date"])]

    def __str__(self) -> str:
        return self.name


class Affiliation(models.TextChoices):
    PARTY = "party", "Registered party"
    INDEPENDENT = "independent", "Independent"
    NONE = "none", "No description"


class CandidateStatus(models.TextChoices):
    NOMINATED = "nominated", "Nominated (awaiting decision)"
    VALID = "valid", "Validly nominated"
    INVALID = "invalid", "Nomination invalid"
    WITHDRAWN = "withdrawn", "Withdrawn"
    ELECTED = "elected", "Elected"
    NOT_ELECTED = "not_elected", "Not elected"


class Candidate(AuthorityScopedModel):
    """A person nominated at a ballot, with the particulars the SOPN and ballot paper print."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="candidates")
    surname = models.CharField(max_length=150)
    other_names = models.CharField(max_length=200)
    commonly_used_surname = models.CharField(max_length=150, blank=True)
    commonly_used_other_names = models.CharField(max_length=200, blank=True)
    affiliation = models.CharField(max_length=12, choices=Affiliation.choices, default=Affiliation.NONE)
    party_name = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=200, blank=True, help_text="At most six words")
    emblem = models.CharField(max_length=200, blank=True, help_text="The party emblem asked for, if any")
    home_address = models.CharField(max_length=400)
    address_area = models.CharField(
        max_length=200, blank=True, help_text="The area the home address is in, printed instead of the address"
    )
    address_withheld = models.BooleanField(
        default=False, help_text="The candidate asked for the address not to be made public"
    )
    list_position = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="A closed-list (D'Hondt) ballot: the place on the party's list; empty for an individual",
    )
    status = models.CharField(max_length=12, choices=CandidateStatus.choices, default=CandidateStatus.NOMINATED)
    status_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["surname", "other_names"]
        indexes = [models.Index(fields=["authority", "ballot", "status"])]

    def __str__(self) -> str:
        return f"{self.surname.upper()}, {self.other_names}"

    @property
    def ballot_name(self) -> tuple[str, str]:
        """The names printed: commonly used names where given (SOPN and ballot paper)."""
        return (self.commonly_used_surname or self.surname, self.commonly_used_other_names or self.other_names)

    @property
    def address_shown(self) -> str:
        if self.address_withheld:
            return f"(address in {self.address_area})" if self.address_area else "(address withheld)"
        return self.home_address


class ElectionAgent(AuthorityScopedModel):
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="agent")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=400)
    office_address = models.CharField(max_length=400, blank=True, help_text="Where claims and notices are sent")
    is_candidate = models.BooleanField(default=False, help_text="The candidate is their own agent")
    appointed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class PaperStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    VALID = "valid", "Valid"
    INVALID = "invalid", "Invalid"


class NominationPaper(AuthorityScopedModel):
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="papers")
    received_at = models.DateTimeField()
    received_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    delivered_by = models.CharField(max_length=200, blank=True, help_text="Who handed the paper in")
    consent_received = models.BooleanField(default=False)
    home_address_form_received = models.BooleanField(default=False)
    certificate_of_authorisation = models.BooleanField(default=False, help_text="Party candidates only")
    emblem_request = models.BooleanField(default=False)
    checks_passed = models.BooleanField(default=False)
    problems = models.JSONField(default=list, blank=True, help_text="Why the paper fails, in words")
    status = models.CharField(max_length=10, choices=PaperStatus.choices, default=PaperStatus.RECEIVED)

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"Nomination paper {self.pk} for {self.candidate}"


class SubscriberRole(models.TextChoices):
    PROPOSER = "proposer", "Proposer"
    SECONDER = "seconder", "Seconder"
    ASSENTOR = "assentor", "Assentor"


class Subscriber(AuthorityScopedModel):
    paper = models.ForeignKey(NominationPaper, on_delete=models.PROTECT, related_name="subscribers")
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=10, choices=SubscriberRole.choices)
    elector_number_written = models.CharField(max_length=40)
    name_written = models.CharField(max_length=200, blank=True)
    elector = models.ForeignKey("register.Elector", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    register_name = models.CharField(max_length=300, blank=True, help_text="The name in the register in force")
    considered = models.BooleanField(default=True, help_text="False beyond the number the law requires")
    ok = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True, help_text="Warnings that do not invalidate the paper")

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "paper", "position"], name="uniq_subscriber_position"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.elector_number_written}"

    @property
    def label(self) -> str:
        if self.role == SubscriberRole.ASSENTOR:
            return f"Assentor {self.position - 2}"
        return self.get_role_display()


class DepositMethod(models.TextChoices):
    CASH = "cash", "Cash"
    BANKERS_DRAFT = "bankers_draft", "Banker's draft"
    CARD = "card", "Debit or credit card"
    TRANSFER = "transfer", "Electronic transfer"


class DepositState(models.TextChoices):
    HELD = "held", "Held"
    RETURNED = "returned", "Returned"
    FORFEITED = "forfeited", "Forfeited"


class Deposit(AuthorityScopedModel):
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="deposit")
    amount_pence = models.PositiveIntegerField()
    method = models.CharField(max_length=15, choices=DepositMethod.choices)
    payer = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=DepositState.choices, default=DepositState.HELD)
    settled_on = models.DateField(null=True, blank=True, help_text="When returned or forfeited")

    def __str__(self) -> str:
        return f"Deposit of {self.candidate}"


class Withdrawal(AuthorityScopedModel):
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="withdrawal")
    received_at = models.DateTimeField()
    delivered_by = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Withdrawal of {self.candidate}"


class ValidityDecision(AuthorityScopedModel):
    """The Returning Officer's decision on one nomination paper. A later decision is a new row."""

    paper = models.ForeignKey(NominationPaper, on_delete=models.PROTECT, related_name="decisions")
    valid = models.BooleanField()
    reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{'Valid' if self.valid else 'Invalid'}: paper {self.paper_id}"


class NoticeKind(models.TextChoices):
    NOTICE_OF_ELECTION = "notice-of-election", "Notice of election"
    SOPN = "sopn", "Statement of persons nominated"
    NOTICE_OF_POLL = "notice-of-poll", "Notice of poll and situation of polling stations"
    ELECTION_AGENTS = "election-agents", "Notice of election agents"
    DECLARATION_OF_RESULT = "declaration-of-result", "Declaration of result"


class NoticeTemplate(AuthorityScopedModel):
    """A council's own Word template for a statutory notice, replacing the default (ADR 0020)."""

    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    language = models.CharField(max_length=2, choices=[("en", "English"), ("cy", "Cymraeg")], default="en")
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["authority", "kind", "language"], name="uniq_notice_template"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"
