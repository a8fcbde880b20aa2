from django.apps import AppConfig


class PollingConfig(AppConfig):
    name = "ems.polling"
    label = "polling"
