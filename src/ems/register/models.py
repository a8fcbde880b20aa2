"""The property base and the register of electors (core fields; alterations follow).

Electors have no default ``objects`` manager: callers choose ``Elector.records`` (every
entry, for authorised staff) knowing that published outputs must use the publication
selectors, which withhold anonymous electors' names and addresses.
"""

import builtins
import secrets

from django.db import models

from ems.core.models import AuthorityScopedModel
from ems.geography.models import PollingDistrict


class PropertyStatus(models.TextChoices):
    RESIDENTIAL = "residential", "Residential"
    EMPTY = "empty", "Empty"
    NON_RESIDENTIAL = "non_residential", "Non-residential"
    DEMOLISHED = "demolished", "Demolished"


class Property(AuthorityScopedModel):
    uprn = models.BigIntegerField("UPRN", help_text="Unique Property Reference Number, up to 12 digits")
    parent_uprn = models.BigIntegerField("Parent UPRN", null=True, blank=True)
    address_1 = models.CharField(max_length=100)
    address_2 = models.CharField(max_length=100, blank=True)
    address_3 = models.CharField(max_length=100, blank=True)
    address_4 = models.CharField(max_length=100, blank=True)
    address_5 = models.CharField(max_length=100, blank=True)
    address_6 = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, db_index=True)
    easting = models.FloatField(null=True, blank=True)
    northing = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    polling_district = models.ForeignKey(
        PollingDistrict, null=True, blank=True, on_delete=models.PROTECT, related_name="properties"
    )
    status = models.CharField(max_length=20, choices=PropertyStatus.choices, default=PropertyStatus.RESIDENTIAL)
    walk_order = models.PositiveIntegerField(default=0)
    # New columns carry database defaults: bulk loaders (COPY) name only the columns they fill.
    polling_station = models.ForeignKey(
        "geography.PollingStation", null=True, blank=True, on_delete=models.SET_NULL, related_name="properties"
    )
    district_override = models.BooleanField(
        default=False, db_default=False, help_text="Allocated by hand: automatic re-allocation leaves it alone"
    )
    classification = models.CharField(
        max_length=6, blank=True, default="", db_default="", help_text="AddressBase classification code, e.g. RD04"
    )
    usrn = models.BigIntegerField("USRN", null=True, blank=True)
    source = models.CharField(
        max_length=30,
        blank=True,
        default="",
        db_default="",
        help_text="Where the record came from (addressbase, dtf, …)",
    )
    source_updated = models.DateField(null=True, blank=True, help_text="Last update date in the source gazetteer")
    retired_at = models.DateTimeField(null=True, blank=True, help_text="No longer in the gazetteer")
    notes = models.TextField(blank=True, default="", db_default="")

    class Meta:
        verbose_name_plural = "properties"
        constraints = [models.UniqueConstraint(fields=["authority", "uprn"], name="uniq_property_uprn")]

    def __str__(self) -> str:
        return f"{self.address_1}, {self.postcode}"


class SpecialCategory(models.TextChoices):
    NONE = "", "None"
    OVERSEAS = "overseas", "Overseas elector"
    SERVICE = "service", "Service voter"
    CROWN_SERVANT = "crown", "Crown servant or British Council employee"
    LOCAL_CONNECTION = "local_connection", "Declaration of local connection"


class AbsentVote(models.TextChoices):
    NONE = "", "Votes in person"
    POSTAL = "postal", "Postal vote"
    PROXY = "proxy", "Proxy vote"
    POSTAL_PROXY = "postal_proxy", "Postal proxy"


class Nationality(models.TextChoices):
    """Nationality category as it bears on the franchise (registration.md §1.3–1.4)."""

    UNKNOWN = "", "Not recorded"
    BRITISH = "british", "British"
    IRISH = "irish", "Irish"
    COMMONWEALTH = "commonwealth", "Qualifying Commonwealth citizen"
    EU_QUALIFYING = "eu_qualifying", "Qualifying EU citizen (treaty state)"
    EU_RETAINED = "eu_retained", "EU citizen with retained rights"
    EU_OTHER = "eu_other", "Other EU citizen"
    FOREIGN_NATIONAL = "foreign", "Qualifying foreign national (Scotland, Wales)"


def new_ems_elector_id() -> str:
    """Opaque, stable id, independent of the elector number (which changes at renumbering)."""
    return "E" + secrets.token_hex(10).upper()


class ElectorQuerySet(models.QuerySet["Elector"]):
    def for_authority(self, authority_id: int) -> "ElectorQuerySet":
        return self.filter(authority_id=authority_id)

    def not_anonymous(self) -> "ElectorQuerySet":
        return self.filter(is_anonymous=False)


class Elector(AuthorityScopedModel):
    ems_elector_id = models.CharField(max_length=24, unique=True, default=new_ems_elector_id, editable=False)
    property = models.ForeignKey(Property, null=True, blank=True, on_delete=models.PROTECT, related_name="electors")
    polling_district = models.ForeignKey(PollingDistrict, on_delete=models.PROTECT, related_name="electors")
    elector_number = models.PositiveIntegerField()
    elector_suffix = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=20, blank=True)
    first_names = models.CharField(max_length=150)
    surname = models.CharField(max_length=150)  # indexed with the authority (Meta.indexes)
    date_of_birth = models.DateField(null=True, blank=True)
    markers = models.CharField(max_length=10, blank=True, help_text="Franchise markers, e.g. G, K, F")
    attainer_date = models.DateField(null=True, blank=True, help_text="Date the attainer reaches voting age")
    open_register_opt_out = models.BooleanField(default=False)
    is_anonymous = models.BooleanField(default=False)
    special_category = models.CharField(max_length=20, choices=SpecialCategory.choices, blank=True, default="")
    absent_vote = models.CharField(max_length=20, choices=AbsentVote.choices, blank=True, default="")
    proxy_name = models.CharField(max_length=200, blank=True)
    # Columns added after the first release carry database defaults so bulk loaders (COPY)
    # that name only the columns they fill keep working.
    previous_names = models.CharField(max_length=300, blank=True, default="", db_default="")
    nationality = models.CharField(max_length=20, choices=Nationality.choices, blank=True, default="", db_default="")
    special_category_expires = models.DateField(
        null=True, blank=True, help_text="When the declaration (overseas, service, local connection) lapses"
    )
    absent_vote_from = models.DateField(null=True, blank=True)
    absent_vote_until = models.DateField(null=True, blank=True, help_text="Postal/proxy votes last up to 3 years")
    proxy_address = models.CharField(max_length=400, blank=True, default="", db_default="")
    ballot_address = models.CharField(
        max_length=400, blank=True, default="", db_default="", help_text="Where postal ballots are sent, if not home"
    )
    notes = models.TextField(blank=True, default="", db_default="")
    registered_on = models.DateField(null=True, blank=True, help_text="Effective date of the addition")
    deleted_on = models.DateField(null=True, blank=True, help_text="Effective date of the deletion")
    search_text = models.TextField(
        blank=True,
        default="",
        db_default="",
        editable=False,
        help_text="Names and address lines 1-3, upper-cased, for the search box (ems.register.search)",
    )

    records = ElectorQuerySet.as_manager()

    class Meta:
        constraints = [
            # A number belongs to one elector at a time; deleted entries give theirs up.
            models.UniqueConstraint(
                fields=["polling_district", "elector_number", "elector_suffix"],
                condition=models.Q(deleted_on__isnull=True),
                name="uniq_elector_number",
            ),
        ]
        indexes = [
            models.Index(fields=["authority", "surname", "first_names"]),
            models.Index(fields=["authority", "polling_district", "elector_number", "elector_suffix"]),
        ]

    def __str__(self) -> str:
        return f"{self.elector_number_display} {self.surname}"

    @builtins.property
    def elector_number_display(self) -> str:
        code = self.polling_district.code if self.polling_district_id else "?"
        suffix = f"/{self.elector_suffix}" if self.elector_suffix else ""
        return f"{code}-{self.elector_number}{suffix}"


class FranchiseMarker(models.Model):
    """A franchise marker printed against an entry, as reference data with validity dates.

    The marker set is configuration, not code (registration.md §1.3: "Treat the marker set as
    configuration"); rows are seeded by migration 0004 with their sources and may be edited in
    the admin by a system administrator.
    """

    code = models.CharField(max_length=3)
    meaning = models.CharField(max_length=300)
    nations = models.CharField(max_length=20, blank=True, help_text="Comma-separated ENG,WLS,SCT,NIR; blank = all")
    poll_types = models.JSONField(
        default=list, blank=True, help_text="Poll types the entry may vote at, e.g. ['local', 'pcc']"
    )
    published = models.BooleanField(default=True, help_text="Printed on the published register")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["code", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "nations", "valid_from"], name="uniq_marker_code_from")]

    def __str__(self) -> str:
        return f"{self.code}: {self.meaning}"


class NoticeKind(models.TextChoices):
    REVISED = "revised", "Revised register"
    MONTHLY = "monthly", "Monthly notice of alteration"
    INTERIM_ELECTION = "interim", "Interim election notice of alteration"
    FINAL_ELECTION = "final", "Final election notice of alteration"


class NoticeState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Notice(AuthorityScopedModel):
    """A publication that gives alterations legal effect: the revised register (1 December),
    a monthly notice of alteration (RPA 1983 s.13A/13B), or an election notice for an area."""

    kind = models.CharField(max_length=10, choices=NoticeKind.choices)
    effective_date = models.DateField(help_text="The day the alterations it publishes take effect")
    state = models.CharField(max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT)
    area = models.ForeignKey(
        "geography.ElectoralArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Election notices apply only to the area of the election",
    )
    title = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_date", "-id"]
        indexes = [models.Index(fields=["authority", "effective_date"])]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.effective_date:%d %B %Y}"


class AlterationKind(models.TextChoices):
    ADD = "add", "Addition"
    AMEND = "amend", "Amendment"
    DELETE = "delete", "Deletion"


class Alteration(AuthorityScopedModel):
    """One change to the register: the legal record from which the register at any date is rebuilt.

    ``entry`` is the elector's register entry after this alteration (empty for a deletion), so
    the register as at a date is the latest alteration per elector on or before it.
    """

    # The (elector, effective_date) and (polling_district, effective_date) indexes serve these keys.
    elector = models.ForeignKey(Elector, on_delete=models.PROTECT, related_name="alterations", db_index=False)
    polling_district = models.ForeignKey(
        PollingDistrict,
        null=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The part of the register the entry is in (for a deletion, the part it left)",
    )
    from_polling_district = models.ForeignKey(
        PollingDistrict,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a move between parts: the part the entry left",
    )
    kind = models.CharField(max_length=10, choices=AlterationKind.choices)
    effective_date = models.DateField()
    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="alterations")
    entry = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_date", "id"]
        indexes = [
            models.Index(fields=["authority", "effective_date"]),
            models.Index(fields=["elector", "effective_date"]),
            models.Index(fields=["polling_district", "effective_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.elector_id} on {self.effective_date}"


class SupplyState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    DELIVERED = "delivered", "Supplied"
    REFUSED = "refused", "Refused"


class SupplyRequest(AuthorityScopedModel):
    """One request for a copy of the register, and how it was met: the supply log.

    The ERO keeps a record of every supply, paid or free (registration.md §8.3 [S59]).
    The delivery package is an AES-256 encrypted ZIP; its passphrase is shown once to the
    officer to send separately and is never stored.
    """

    reference = models.CharField(max_length=20)
    recipient_name = models.CharField(max_length=200)
    recipient_organisation = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField(blank=True)
    entitlement = models.CharField(max_length=40)
    document = models.CharField(max_length=20)
    form = models.CharField(max_length=10, default="data")
    as_at = models.DateField()
    district_codes = models.JSONField(default=list, blank=True, help_text="Empty: the whole register")
    free = models.BooleanField(default=False)
    entries = models.PositiveIntegerField(null=True, blank=True)
    fee_pence = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=SupplyState.choices, default=SupplyState.REQUESTED)
    notes = models.TextField(blank=True)
    package_path = models.CharField(max_length=300, blank=True)
    package_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["authority", "reference"], name="uniq_supply_reference")]

    def __str__(self) -> str:
        return f"{self.reference} {self.recipient_name}"
