from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "ems.register"
    label = "register"
