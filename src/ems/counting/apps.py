from django.apps import AppConfig


class CountingConfig(AppConfig):
    name = "ems.counting"
    label = "counting"
