from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ems.core"
    label = "core"
