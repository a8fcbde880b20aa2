"""The ``ems`` command against whatever DATABASE_URL names: SQLite file, or PostgreSQL."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _ems(args, env, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "ems.cli", *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _databases(tmp_path: Path):
    """A fresh SQLite file always; and a fresh PostgreSQL database when the suite runs on PostgreSQL."""
    yield "sqlite", f"sqlite:///{tmp_path / 'cli.sqlite3'}", None
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = f"ems_cli_{uuid.uuid4().hex[:8]}"
        base = url.rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        yield "postgresql", f"{base}/{name}", drop


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DATABASE_URL=url, EMS_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="ems.config.settings.local")
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_migrate_check_makemigrations_runserver_on_each_database(tmp_path):
    for vendor, url, cleanup in _databases(tmp_path):
        env = _env(url, tmp_path)
        try:
            migrate = _ems(["migrate", "--no-input", "-v", "0"], env)
            assert migrate.returncode == 0, f"{vendor}: {migrate.stderr}"
            assert _ems(["check"], env).returncode == 0
            assert _ems(["makemigrations", "--check", "--dry-run"], env).returncode == 0
            shown = _ems(["showmigrations", "audit"], env)
            assert "[X] 0002_immutable_trigger" in shown.stdout, shown.stdout

            port = _free_port()
            server = subprocess.Popen(
                [sys.executable, "-m", "ems.cli", "runserver", "--noreload", f"127.0.0.1:{port}"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                health = None
                for _ in range(60):
                    try:
                        health = urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).read()
                        break
                    except (urllib.error.URLError, ConnectionError):
                        time.sleep(0.25)
                assert health is not None and vendor.encode()[:6] in health, f"{vendor}: server did not answer"

                class NoRedirect(urllib.request.HTTPRedirectHandler):
                    def redirect_request(self, *args, **kwargs):
                        return None

                opener = urllib.request.build_opener(NoRedirect)
                with pytest.raises(urllib.error.HTTPError) as redirect:
                    opener.open(f"http://127.0.0.1:{port}/", timeout=5)
                assert redirect.value.code == 302
                assert redirect.value.headers["Location"] == "/account/sign-in/"
            finally:
                server.terminate()
                server.wait(timeout=10)
        finally:
            if cleanup:
                cleanup()


def test_bad_database_url_is_one_clear_line(tmp_path):
    result = _ems(["check"], _env("nosuchdb://x/y", tmp_path))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ems: error:"), result.stderr


def test_unreachable_database_is_one_clear_line(tmp_path):
    result = _ems(["migrate"], _env("postgresql://postgres@127.0.0.1:1/nothing", tmp_path))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "OperationalError" in lines[0], result.stderr


def test_unknown_command_fails(tmp_path):
    result = _ems(["no-such-command"], _env(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path))
    assert result.returncode != 0
    assert "Unknown command" in result.stderr
