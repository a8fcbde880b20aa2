"""The ``ems`` console script: Django's ``manage.py`` under a stable name.

Errors that escape a command (a bad ``DATABASE_URL``, an unreachable database) end with one
clear line and a non-zero exit, not a traceback; ``EMS_DEBUG=1`` shows the traceback.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ems.config.settings.local")
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the last line of defence for the command line
        if os.environ.get("EMS_DEBUG") == "1":
            raise
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        sys.stderr.write(f"ems: error: {type(exc).__name__}: {message}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
