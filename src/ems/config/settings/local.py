"""Settings for a laptop or the demo: SQLite under var/ unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403

DEBUG = True
EMS_DEMO_DATA_ALLOWED = True
