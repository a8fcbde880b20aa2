from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ems.jobs"
    label = "jobs"

    def ready(self) -> None:
        from ems.core.dashboard import register_panel

        from .dashboard import jobs_panel

        register_panel(jobs_panel, order=80)
