from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ems.jobs"
    label = "jobs"
