"""Roles and what each may do: the one place permissions are decided.

Every view declares the single permission it needs (``ems.accounts.decorators``); the role
matrix test walks every URL pattern against this table.
"""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    ERO = "ero", "Electoral Registration Officer"
    DEPUTY_ERO = "deputy_ero", "Deputy Electoral Registration Officer"
    RETURNING_OFFICER = "ro", "Returning Officer"
    MANAGER = "manager", "Electoral Services Manager"
    OFFICER = "officer", "Electoral Services Officer"
    CANVASSER = "canvasser", "Canvasser"
    POLL_STAFF = "poll_staff", "Polling or count staff"
    AUDITOR = "auditor", "Auditor (read-only)"
    ADMINISTRATOR = "admin", "System administrator"


class Permission(StrEnum):
    """What a role may do; ``label`` completes "Your role does not allow you to …"."""

    VIEW_DASHBOARD = "view_dashboard"
    VIEW_REGISTER = "view_register"
    EDIT_REGISTER = "edit_register"
    VIEW_ELECTIONS = "view_elections"
    MANAGE_ELECTIONS = "manage_elections"
    SIGN_OFF_ELECTIONS = "sign_off_elections"
    ENTER_COUNT = "enter_count"
    VIEW_AUDIT = "view_audit"
    EXPORT_AUDIT = "export_audit"
    VIEW_JOBS = "view_jobs"
    RUN_JOBS = "run_jobs"
    MANAGE_USERS = "manage_users"
    VIEW_CANVASS = "view_canvass"
    VIEW_STAFF = "view_staff"

    @property
    def label(self) -> str:
        return _PERMISSION_LABELS[self]


_PERMISSION_LABELS: dict[str, str] = {
    "view_dashboard": "see the dashboard",
    "view_register": "see the register",
    "edit_register": "change the register",
    "view_elections": "see elections",
    "manage_elections": "run elections (set-up, nominations, polling, poll cards)",
    "sign_off_elections": "sign off eligibility, nominations decisions and results",
    "enter_count": "enter verification and count figures",
    "view_audit": "see the audit trail",
    "export_audit": "download the audit trail",
    "view_jobs": "see jobs",
    "run_jobs": "start jobs",
    "manage_users": "manage users",
    "view_canvass": "see the canvass",
    "view_staff": "see staff records",
}

P = Permission
_EVERY = frozenset(Permission)
_READ = frozenset({P.VIEW_DASHBOARD, P.VIEW_REGISTER, P.VIEW_ELECTIONS, P.VIEW_CANVASS, P.VIEW_STAFF})

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.ERO: _EVERY - {P.MANAGE_USERS},
    Role.DEPUTY_ERO: _EVERY - {P.MANAGE_USERS},
    Role.RETURNING_OFFICER: _EVERY - {P.MANAGE_USERS},
    Role.MANAGER: _EVERY,
    Role.OFFICER: _READ | {P.EDIT_REGISTER, P.MANAGE_ELECTIONS, P.ENTER_COUNT, P.VIEW_JOBS, P.RUN_JOBS},
    Role.CANVASSER: frozenset({P.VIEW_DASHBOARD, P.VIEW_CANVASS}),
    Role.POLL_STAFF: frozenset({P.VIEW_DASHBOARD, P.VIEW_ELECTIONS, P.ENTER_COUNT}),
    Role.AUDITOR: _READ | {P.VIEW_AUDIT, P.EXPORT_AUDIT, P.VIEW_JOBS},
    Role.ADMINISTRATOR: frozenset(
        {P.VIEW_DASHBOARD, P.VIEW_AUDIT, P.EXPORT_AUDIT, P.VIEW_JOBS, P.RUN_JOBS, P.MANAGE_USERS}
    ),
}

# Roles that must use TOTP two-factor authentication before seeing anything.
TWO_FACTOR_ROLES: frozenset[str] = frozenset(
    {Role.ERO, Role.DEPUTY_ERO, Role.RETURNING_OFFICER, Role.MANAGER, Role.ADMINISTRATOR}
)


def role_has(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
