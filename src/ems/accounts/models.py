"""Staff users: each belongs to one authority and holds one role."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import TWO_FACTOR_ROLES, Permission, Role, role_has


class User(AbstractUser):
    authority = models.ForeignKey(
        "core.Authority", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OFFICER)

    class Meta:
        ordering = ["username"]

    def has_ems_permission(self, permission: Permission) -> bool:
        return self.is_active and self.authority_id is not None and role_has(self.role, permission)

    @property
    def requires_two_factor(self) -> bool:
        return self.role in TWO_FACTOR_ROLES
