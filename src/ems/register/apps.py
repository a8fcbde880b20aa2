from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "ems.register"
    label = "register"

    def ready(self) -> None:
        from ems.core.dashboard import register_panel

        from . import (
            demo,  # noqa: F401 - registers the register.demo_data job kind
            publish,  # noqa: F401 - registers the register.publish job kind
        )
        from .dashboard import register_panel as register_dashboard_panel
        from .gazetteer import job  # noqa: F401 - registers the register.gazetteer_import job kind

        register_panel(register_dashboard_panel, order=10)
