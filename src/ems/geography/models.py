"""Electoral geography: boundary sets, areas (wards, parishes, divisions, constituencies),
polling districts, polling places and the polling stations within them.

Geometry is GeoJSON in a JSON column, computed with shapely (ADR 0013), so SQLite and
PostgreSQL behave the same.
"""

from django.db import models

from ems.core.models import AuthorityScopedModel


class AreaType(models.TextChoices):
    CONSTITUENCY = "constituency", "UK Parliament constituency"
    COUNTY_DIVISION = "division", "County electoral division"
    WARD = "ward", "Ward"
    PARISH = "parish", "Parish or community"
    PARISH_WARD = "parish_ward", "Parish ward"


class BoundarySet(AuthorityScopedModel):
    """A version of the boundaries: e.g. the wards made by a 2023 LGBCE order, in force from a date.

    Areas and polling districts point at the set they belong to, so a boundary change is a new
    set, and the register can be re-allocated to it without losing the old one.
    """

    name = models.CharField(max_length=200)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Order, review or file it came from")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "name"]
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="uniq_boundary_set_name")]

    def __str__(self) -> str:
        return f"{self.name} (from {self.valid_from:%d %b %Y})"


class ElectoralArea(AuthorityScopedModel):
    area_type = models.CharField(max_length=20, choices=AreaType.choices)
    boundary_set = models.ForeignKey(BoundarySet, null=True, blank=True, on_delete=models.PROTECT, related_name="areas")
    geometry = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry (WGS84)")
    gss_code = models.CharField("GSS code", max_length=9, blank=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["area_type", "name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "area_type", "name"], name="uniq_area_name_per_type"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_area_type_display()})"


class PollingDistrict(AuthorityScopedModel):
    """A polling district; its code prefixes elector numbers (e.g. ``AA`` → ``AA-123``)."""

    code = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    ward = models.ForeignKey(ElectoralArea, on_delete=models.PROTECT, related_name="polling_districts")
    parish = models.ForeignKey(
        ElectoralArea, null=True, blank=True, on_delete=models.PROTECT, related_name="parish_polling_districts"
    )
    boundary_set = models.ForeignKey(
        BoundarySet, null=True, blank=True, on_delete=models.PROTECT, related_name="polling_districts"
    )
    polling_place_description = models.CharField(
        max_length=300, blank=True, help_text="The designated polling place as the council describes it"
    )
    polling_place = models.ForeignKey(
        "PollingPlace", null=True, blank=True, on_delete=models.SET_NULL, related_name="districts"
    )
    geometry = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry (WGS84)")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["authority", "code"], name="uniq_district_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PollingPlace(AuthorityScopedModel):
    """A venue (building or area) where one or more polling stations sit.

    ``code`` is the key the source system used (Xpress ``Polling_Place_Id``, Idox venue id,
    Democracy Counts station code's place, FCS ``id``), so re-imports update in place.
    """

    code = models.CharField(max_length=100)
    name = models.CharField(max_length=300)
    address_1 = models.CharField(max_length=200, blank=True)
    address_2 = models.CharField(max_length=200, blank=True)
    address_3 = models.CharField(max_length=200, blank=True)
    address_4 = models.CharField(max_length=200, blank=True)
    address_5 = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    uprn = models.BigIntegerField("UPRN", null=True, blank=True)
    easting = models.FloatField(null=True, blank=True)
    northing = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    source_format = models.CharField(max_length=30, blank=True, help_text="The export format it was imported from")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["authority", "code"], name="uniq_polling_place_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def address_lines(self) -> list[str]:
        lines = [self.address_1, self.address_2, self.address_3, self.address_4, self.address_5, self.postcode]
        return [line for line in lines if line]


class PollingStation(AuthorityScopedModel):
    """A polling station within a polling place; properties are allotted to a station."""

    code = models.CharField(max_length=150, help_text="Station key in the source system")
    number = models.CharField(max_length=20, blank=True)
    place = models.ForeignKey(PollingPlace, on_delete=models.PROTECT, related_name="stations")
    district = models.ForeignKey(
        PollingDistrict, null=True, blank=True, on_delete=models.SET_NULL, related_name="stations"
    )

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["authority", "code"], name="uniq_polling_station_code")]

    def __str__(self) -> str:
        return f"{self.number or self.code} at {self.place.name}"
