from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ems.audit"
    label = "audit"
