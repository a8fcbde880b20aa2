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
    surname = models.CharField(max_length=150, db_index=True)
    date_of_birth = models.DateField(null=True, blank=True)
    markers = models.CharField(max_length=10, blank=True, help_text="Franchise markers, e.g. G, K, F")
    attainer_date = models.DateField(null=True, blank=True, help_text="Date the attainer reaches voting age")
    open_register_opt_out = models.BooleanField(default=False)
    is_anonymous = models.BooleanField(default=False)
    special_category = models.CharField(max_length=20, choices=SpecialCategory.choices, blank=True, default="")
    absent_vote = models.CharField(max_length=20, choices=AbsentVote.choices, blank=True, default="")
    proxy_name = models.CharField(max_length=200, blank=True)

    records = ElectorQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["polling_district", "elector_number", "elector_suffix"], name="uniq_elector_number"
            ),
        ]
        indexes = [models.Index(fields=["authority", "surname", "first_names"])]

    def __str__(self) -> str:
        return f"{self.elector_number_display} {self.surname}"

    @builtins.property
    def elector_number_display(self) -> str:
        code = self.polling_district.code if self.polling_district_id else "?"
        suffix = f"/{self.elector_suffix}" if self.elector_suffix else ""
        return f"{code}-{self.elector_number}{suffix}"
