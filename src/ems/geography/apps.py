from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "ems.geography"
    label = "geography"
