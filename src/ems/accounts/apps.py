from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ems.accounts"
    label = "accounts"
