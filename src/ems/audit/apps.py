from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ems.audit"
    label = "audit"

    def ready(self) -> None:
        from ems.core.dashboard import register_panel

        from .dashboard import audit_panel

        register_panel(audit_panel, order=90)
