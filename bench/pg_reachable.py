"""Exit 0 if the PostgreSQL server in the given URL accepts connections (used by `make test`)."""

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg

url = sys.argv[1]
# Connect to the maintenance database: the test database itself is created by pytest-django.
parts = urlsplit(url)
try:
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), connect_timeout=3):
        pass
except psycopg.Error:
    sys.exit(1)
