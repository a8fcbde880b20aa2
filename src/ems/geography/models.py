"""Electoral geography: areas (wards, parishes, divisions, constituencies) and polling districts.

Boundary versions and geometry arrive with the register issue; these are the stable keys.
"""

from django.db import models

from ems.core.models import AuthorityScopedModel


class AreaType(models.TextChoices):
    CONSTITUENCY = "constituency", "UK Parliament constituency"
    COUNTY_DIVISION = "division", "County electoral division"
    WARD = "ward", "Ward"
    PARISH = "parish", "Parish or community"
    PARISH_WARD = "parish_ward", "Parish ward"


class ElectoralArea(AuthorityScopedModel):
    area_type = models.CharField(max_length=20, choices=AreaType.choices)
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
    polling_place = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["authority", "code"], name="uniq_district_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
