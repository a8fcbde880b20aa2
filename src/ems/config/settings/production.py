"""Production settings: PostgreSQL, secrets from the environment, secure cookies."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["EMS_SECRET_KEY"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("EMS_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = 31536000
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
