from django.apps import AppConfig


class PollingConfig(AppConfig):
    name = "ems.polling"
    label = "polling"

    def ready(self) -> None:
        from . import handlers  # noqa: F401  (registers the job kinds)
