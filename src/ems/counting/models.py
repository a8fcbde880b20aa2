"""Count day and after: verification, count figures, doubtful papers, recounts, the declaration,
and the candidates' spending limits and returns (elections.md §7, §8).

One ``CountSession`` per contested ballot carries the count through its states::

    receipt → verification → counting → provisional → declared
                                 ↑            │
                                 └─ recount ──┘  (granted by the Returning Officer)

- **Boxes**: a ``BallotBox`` is one box of the ballot's papers, from a polling station or from
  the opening of postal votes (``kind=postal``), with the ballot paper account (BPA) figure of
  papers issued. At combined polls a physical box can hold the papers of several ballots: each
  ballot lists it under the same label, and its receipt is recorded for all of them at once.
- **Verification**: each box's papers are counted face down and compared with the BPA. A
  ``Verification`` row is never changed: a box counted again gets a new row, and the latest is
  the one that stands. A variance must be explained and resolved by the Returning Officer's
  side (``SIGN_OFF_ELECTIONS``) before the verification statement can be finalised.
- **Count**: ``CountRound`` 1 is the first count, 2 the first recount and so on; each has its
  ``CountEntry`` rows (votes per candidate) or, for STV, the uploaded preference file and the
  engine's stage report. Figures are never overwritten: a recount is a new round.
- **Doubtful papers**: ``DoubtfulPaper`` rows record the adjudication of doubtful papers under the
  statutory heads, giving the statement of rejected ballot papers per round.
- **Recount** requests, granted or refused with reasons; **Declaration** with the figures,
  turnout both ways, and the seed of any lot drawn.
- **Spending**: ``SpendingLimit`` per candidate, ``ExpenseReturn`` (the return and the two
  declarations, due dates and flags) and the ``InspectionNotice`` for returns.
"""

from __future__ import annotations

from django.db import models

from ems.core.models import AuthorityScopedModel
from ems.elections.models import Ballot, Candidate
from ems.geography.models import PollingStation


class CountState(models.TextChoices):
    RECEIPT = "receipt", "Receipt of ballot boxes"
    VERIFICATION = "verification", "Verification"
    COUNTING = "counting", "Counting"
    PROVISIONAL = "provisional", "Provisional result"
    DECLARED = "declared", "Declared"


class ElectorateSource(models.TextChoices):
    COMPUTED = "computed", "Counted from the register"
    ENTERED = "entered", "Entered by an officer"


class CountSession(AuthorityScopedModel):
    """The count of one ballot, from the receipt of its boxes to the declaration."""

    ballot = models.OneToOneField(Ballot, on_delete=models.PROTECT, related_name="count_session")
    state = models.CharField(max_length=12, choices=CountState.choices, default=CountState.RECEIPT)
    electorate = models.PositiveIntegerField(null=True, blank=True, help_text="The register in force for the poll")
    electorate_date = models.DateField(null=True, blank=True, help_text="The register as it stood on this day")
    electorate_source = models.CharField(max_length=10, choices=ElectorateSource.choices, blank=True)
    verification_finalised_at = models.DateTimeField(null=True, blank=True)
    verification_finalised_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verification_totals = models.JSONField(default=dict, blank=True, help_text="The statement as finalised")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["authority", "state"])]

    def __str__(self) -> str:
        return f"Count of {self.ballot}"


class BoxKind(models.TextChoices):
    STATION = "station", "Polling station"
    POSTAL = "postal", "Postal votes"


class BallotBox(AuthorityScopedModel):
    """One box of the ballot's papers, with the ballot paper account's figure of papers issued."""

    session = models.ForeignKey(CountSession, on_delete=models.PROTECT, related_name="boxes")
    label = models.CharField(max_length=100, help_text="The box number or label, for example 12 or PV3")
    kind = models.CharField(max_length=10, choices=BoxKind.choices, default=BoxKind.STATION)
    station = models.ForeignKey(PollingStation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bpa_issued = models.PositiveIntegerField(
        help_text="Ballot papers issued per the ballot paper account (postal: papers put in the box at the opening)"
    )
    added_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-kind", "label"]  # polling station boxes first, then postal
        constraints = [models.UniqueConstraint(fields=["authority", "session", "label"], name="uniq_box_label")]

    def __str__(self) -> str:
        return f"Box {self.label}"


class BoxReceipt(AuthorityScopedModel):
    """The arrival of a box at the count (the presiding officer's handover)."""

    box = models.OneToOneField(BallotBox, on_delete=models.PROTECT, related_name="receipt")
    received_at = models.DateTimeField()
    received_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    delivered_by = models.CharField(max_length=200, blank=True, help_text="Usually the presiding officer")
    note = models.CharField(max_length=300, blank=True, help_text="Seals, packets, anything missing")

    def __str__(self) -> str:
        return f"Receipt of {self.box}"


class Verification(AuthorityScopedModel):
    """One count of a box's papers against its ballot paper account. Never changed; the latest stands."""

    box = models.ForeignKey(BallotBox, on_delete=models.PROTECT, related_name="verifications")
    papers_counted = models.PositiveIntegerField()
    bpa_issued = models.PositiveIntegerField(help_text="The BPA figure this count was compared with")
    variance = models.IntegerField(help_text="Papers counted minus the BPA figure")
    explanation = models.TextField(blank=True)
    entered_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()
    resolved_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True, help_text="The Returning Officer's decision on the variance")

    class Meta:
        ordering = ["entered_at", "id"]

    def __str__(self) -> str:
        return f"Verification of {self.box}: {self.papers_counted}"

    @property
    def needs_resolution(self) -> bool:
        return self.variance != 0 and self.resolved_at is None


class CountMethod(models.TextChoices):
    TOTALS = "totals", "Totals per candidate"
    BLT = "blt", "Preference file (e-count)"


class CountRound(AuthorityScopedModel):
    """The first count (1) or a recount (2, 3, ...). Its figures, once entered, are never changed."""

    session = models.ForeignKey(CountSession, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=10, choices=CountMethod.choices, blank=True)
    entered_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(null=True, blank=True)
    source_name = models.CharField(max_length=200, blank=True, help_text="The uploaded file's name")
    source_sha256 = models.CharField(max_length=64, blank=True)
    source_text = models.TextField(blank=True, help_text="The uploaded preference file, kept to rerun the count")
    report = models.JSONField(default=dict, blank=True, help_text="The count engine's result and stage report")
    labels = models.JSONField(default=dict, blank=True, help_text="Engine name -> candidate id")
    elected = models.JSONField(default=list, blank=True, help_text="Candidate ids in order of election")
    seed = models.BigIntegerField(null=True, blank=True, help_text="The recorded seed of a lot drawn")
    tie_breaks = models.JSONField(default=list, blank=True)
    needs_lot = models.CharField(max_length=500, blank=True, help_text="The tie the Returning Officer must decide")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "number"]
        constraints = [models.UniqueConstraint(fields=["authority", "session", "number"], name="uniq_count_round")]

    def __str__(self) -> str:
        return "First count" if self.number == 1 else f"Recount {self.number - 1}"

    @property
    def entered(self) -> bool:
        return self.entered_at is not None


class CountEntry(AuthorityScopedModel):
    """A candidate's votes in one round (first preferences for STV and the supplementary vote)."""

    round = models.ForeignKey(CountRound, on_delete=models.PROTECT, related_name="entries")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    votes = models.PositiveIntegerField()
    second_preferences = models.PositiveIntegerField(
        null=True, blank=True, help_text="Supplementary vote: second preferences added in the second count"
    )

    class Meta:
        ordering = ["round", "-votes", "id"]
        constraints = [models.UniqueConstraint(fields=["authority", "round", "candidate"], name="uniq_count_entry")]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.votes}"


class OptionKind(models.TextChoices):
    ANSWER = "answer", "Referendum answer"
    PARTY_LIST = "list", "Party list"


class CountOption(AuthorityScopedModel):
    """Votes in one round for something on the ballot paper that is not one candidate: a
    referendum's answer ("Yes", "No"), or a party's closed list at a D'Hondt ballot (an
    individual candidate there is a list of one, and keeps a ``CountEntry``)."""

    round = models.ForeignKey(CountRound, on_delete=models.PROTECT, related_name="options")
    kind = models.CharField(max_length=10, choices=OptionKind.choices)
    label = models.CharField(max_length=200, help_text="The answer, or the party's name as on the ballot paper")
    position = models.PositiveSmallIntegerField(default=1, help_text="Order on the ballot paper")
    votes = models.PositiveIntegerField()

    class Meta:
        ordering = ["round", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["authority", "round", "label"], name="uniq_count_option")]

    def __str__(self) -> str:
        return f"{self.label}: {self.votes}"


class RejectionHead(models.TextChoices):
    """The statement of rejected ballot papers (elections.md §7.2)."""

    NO_OFFICIAL_MARK = "no_official_mark", "Want of an official mark"
    TOO_MANY = "too_many", "Voting for more candidates than the voter was entitled to"
    IDENTIFYING = "identifying", "Writing or mark by which the voter could be identified"
    UNMARKED = "unmarked", "Unmarked or wholly void for uncertainty"


class Adjudication(models.TextChoices):
    ACCEPTED = "accepted", "Accepted: counted for the candidate(s) marked"
    REJECTED = "rejected", "Rejected"
    REJECTED_IN_PART = "rejected_in_part", "Rejected in part"


class DoubtfulPaper(AuthorityScopedModel):
    """The Returning Officer's adjudication of doubtful papers (``papers`` alike, decided together)."""

    round = models.ForeignKey(CountRound, on_delete=models.PROTECT, related_name="doubtful_papers")
    decision = models.CharField(max_length=20, choices=Adjudication.choices)
    head = models.CharField(max_length=20, choices=RejectionHead.choices, blank=True)
    papers = models.PositiveIntegerField(default=1)
    objected = models.BooleanField(
        default=False, help_text="A counting agent objected: endorsed 'rejection objected to'"
    )
    note = models.CharField(max_length=300, blank=True)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["round", "decided_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(papers__gte=1), name="doubtful_papers_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.papers} doubtful: {self.get_decision_display()}"


class RecountDecision(models.TextChoices):
    PENDING = "pending", "Awaiting the Returning Officer"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


class Recount(AuthorityScopedModel):
    """A request for a recount (or the Returning Officer's own), and the decision on it."""

    session = models.ForeignKey(CountSession, on_delete=models.PROTECT, related_name="recounts")
    after_round = models.ForeignKey(CountRound, on_delete=models.PROTECT, related_name="recount_requests")
    requested_by = models.CharField(max_length=200, help_text="The candidate or agent who asked")
    candidate = models.ForeignKey(Candidate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    requested_at = models.DateTimeField()
    recorded_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=RecountDecision.choices, default=RecountDecision.PENDING)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    new_round = models.OneToOneField(
        CountRound, null=True, blank=True, on_delete=models.PROTECT, related_name="started_by"
    )

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"Recount requested by {self.requested_by}"


class Declaration(AuthorityScopedModel):
    """The declaration of the result: the figures as declared, kept as they were."""

    session = models.OneToOneField(CountSession, on_delete=models.PROTECT, related_name="declaration")
    round = models.ForeignKey(CountRound, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField()
    declared_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField(help_text="Candidates, votes, rejected papers by head, turnout")
    electorate = models.PositiveIntegerField()
    ballot_papers = models.PositiveIntegerField(help_text="Ballot papers counted, including rejected ones")
    valid_papers = models.PositiveIntegerField()
    rejected = models.PositiveIntegerField()
    turnout_ballot_papers = models.DecimalField(max_digits=6, decimal_places=2, help_text="% of the electorate")
    turnout_valid = models.DecimalField(max_digits=6, decimal_places=2, help_text="% of the electorate")

    def __str__(self) -> str:
        return f"Declaration for {self.session.ballot}"


# ---- spending ------------------------------------------------------------------------------------


class SpendingLimit(AuthorityScopedModel):
    """A candidate's spending limit, from the electorate on the last day for the notice of election."""

    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="spending_limit")
    electorate = models.PositiveIntegerField()
    electorate_date = models.DateField()
    joint_candidates = models.PositiveSmallIntegerField(default=1)
    limit_pence = models.PositiveBigIntegerField()
    facts = models.JSONField(default=dict, blank=True, help_text="Constituency type, police area, contest, councils")
    calculated_at = models.DateTimeField()
    calculated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Spending limit of {self.candidate}"


class ExpenseReturn(AuthorityScopedModel):
    """The election agent's return of election expenses and the two declarations that go with it."""

    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="expense_return")
    due_on = models.DateField(help_text="The last day for delivering the return")
    return_received_on = models.DateField(null=True, blank=True)
    agent_declaration_received_on = models.DateField(null=True, blank=True)
    candidate_declaration_received_on = models.DateField(null=True, blank=True)
    candidate_declaration_due_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Spending return of {self.candidate}"


class InspectionNotice(AuthorityScopedModel):
    """The Returning Officer's notice of the time and place at which returns may be inspected."""

    session = models.OneToOneField(CountSession, on_delete=models.PROTECT, related_name="inspection_notice")
    due_by = models.DateField(help_text="The last day to publish the notice")
    place = models.CharField(max_length=400)
    times = models.CharField(max_length=200, help_text="For example, Monday to Friday 9am to 4pm")
    published_on = models.DateField()
    published_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Notice of inspection of returns for {self.session.ballot}"
