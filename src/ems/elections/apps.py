from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "ems.elections"
    label = "elections"
