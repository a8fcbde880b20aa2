from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "ems.register"
    label = "register"

    def ready(self) -> None:
        from . import demo  # noqa: F401 - registers the register.demo_data job kind
