"""The tenant: every regulated row in the system belongs to an Authority."""

from django.db import models


class Nation(models.TextChoices):
    ENGLAND = "ENG", "England"
    WALES = "WLS", "Wales"
    SCOTLAND = "SCT", "Scotland"
    NORTHERN_IRELAND = "NIR", "Northern Ireland"


class AuthorityType(models.TextChoices):
    LONDON_BOROUGH = "LBO", "London borough"
    METROPOLITAN_DISTRICT = "MD", "Metropolitan district"
    NON_METROPOLITAN_DISTRICT = "NMD", "Non-metropolitan district"
    UNITARY = "UA", "Unitary authority"
    COUNTY = "CTY", "County council"
    WELSH_PRINCIPAL_AREA = "WPA", "Welsh principal area"
    SCOTTISH_COUNCIL = "SCA", "Scottish council area"
    VALUATION_JOINT_BOARD = "VJB", "Valuation joint board"
    EONI = "EONI", "Electoral Office for Northern Ireland"


class Authority(models.Model):
    """A council or registration body: the unit of tenancy.

    ``ero_body`` names the body whose Electoral Registration Officer keeps the register for
    this council when that is not the council itself, as Scottish Valuation Joint Boards do
    (Representation of the People Act 1983, s.8(3)).
    """

    name = models.CharField(max_length=200)
    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    nation = models.CharField(max_length=3, choices=Nation.choices)
    authority_type = models.CharField(max_length=4, choices=AuthorityType.choices)
    ero_body = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="served_councils"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "authorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.gss_code})"


class AuthorityScopedModel(models.Model):
    """Base for every regulated row: it carries its authority, always."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class CalendarDay(AuthorityScopedModel):
    """A council's entry in the override table of the working-day calendar.

    The election rules disregard "a day appointed for public thanksgiving or mourning" as well
    as bank holidays (e.g. Local Elections (Principal Areas) (England and Wales) Rules 2006,
    Sch 2 r.2; RPA 1983 Sch 1 r.2). Such days, and one-off bank holidays, are proclaimed at short
    notice, so officers record them here rather than wait for a software release. ``dies_non``
    False takes out a day the yearly pattern would give but a proclamation moved.
    The national one-off days already known are in ``ems_rules.calendar.DEFAULT_OVERRIDES``.
    """

    day = models.DateField()
    nations = models.CharField(max_length=20, help_text="Comma-separated nation codes, e.g. ENG,WLS")
    dies_non = models.BooleanField(default=True)
    reason = models.CharField(max_length=200)
    source = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["authority", "day"], name="core_calendarday_one_per_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.reason}"

    @property
    def nation_codes(self) -> list[str]:
        return [code for code in self.nations.split(",") if code]
