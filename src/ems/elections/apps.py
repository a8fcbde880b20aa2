from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "ems.elections"
    label = "elections"

    def ready(self) -> None:
        from ems.core.dashboard import register_panel

        from .dashboard import elections_panel

        register_panel(elections_panel, order=20)
