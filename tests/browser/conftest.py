"""Fixtures for the browser journeys: Debian's Chromium driven by Playwright (sync API).

* ``browser`` (session): one Chromium for the whole run. If Chromium is missing the tests
  FAIL with a clear message (CI installs it), they never skip.
* ``browser_context`` (session): one context, so static files stay cached between tests.
* ``ui`` (function): a new tab with the context's cookies cleared (so signed out) on the
  ``live_server``, with a console watcher for Content Security Policy errors and helpers
  for screenshots, axe-core (``check``/``axe``, reported by ``assert_clean``) and signing in.

Artifacts (screenshots, axe JSON) go to ``test-artifacts/browser/`` (git-ignored).
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# live_server runs in a thread while sync Playwright keeps an event loop in this thread, so
# Django would otherwise refuse ORM calls from the test body.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PROJECT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_DIR / "test-artifacts" / "browser"
CHROMIUM = Path(os.environ.get("EMS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "correct horse battery staple"
# RFC 6238 test key, so codes are reproducible.
TOTP_KEY_HEX = "3132333435363738393031323334353637383930"


# --- The audit table's append-only triggers versus the live server's flush -----------------
#
# live_server forces transactional tests, and TransactionTestCase empties every table after
# each test (DELETE on SQLite, TRUNCATE on PostgreSQL). The append-only triggers from
# ems/audit/migrations/0002 refuse that, so the flush would fail on the first audited row.
# Lift the triggers only for the duration of the flush, then put them back.

_TRIGGERS = importlib.import_module("ems.audit.migrations.0002_immutable_trigger")


def _flush_with_audit_triggers_lifted(original: Any) -> Any:
    def _fixture_teardown(self: Any) -> None:
        from django.db import connections

        lifted = []
        for alias in self._databases_names(include_mirrors=False):
            conn = connections[alias]
            with conn.cursor() as cursor:
                if conn.vendor == "sqlite":
                    for statement in _TRIGGERS.SQLITE_REVERSE:
                        cursor.execute(statement)
                elif conn.vendor == "postgresql":
                    cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            lifted.append(conn)
        try:
            original(self)
        finally:
            for conn in lifted:
                with conn.cursor() as cursor:
                    if conn.vendor == "sqlite":
                        for statement in _TRIGGERS.SQLITE_FORWARD:
                            cursor.execute(statement)
                    elif conn.vendor == "postgresql":
                        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")

    _fixture_teardown.lifted = True  # type: ignore[attr-defined]
    return _fixture_teardown


@pytest.fixture(scope="session", autouse=True)
def _audit_triggers_allow_flush() -> Iterator[None]:
    from django.test.testcases import TransactionTestCase

    original = getattr(TransactionTestCase, "_fixture_teardown")  # noqa: B009 - private, untyped
    if getattr(original, "lifted", False):
        yield
        return
    setattr(TransactionTestCase, "_fixture_teardown", _flush_with_audit_triggers_lifted(original))  # noqa: B010
    yield
    setattr(TransactionTestCase, "_fixture_teardown", original)  # noqa: B010


# --- Browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(django_db_setup: None, live_server: Any) -> Iterator[Any]:
    # Chromium's keep-alive connections each hold a server thread and its database connection,
    # so the browser must close before the live server stops and the test database is dropped
    # (otherwise PostgreSQL refuses: "database is being accessed by other users").
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install it (apt-get install -y chromium) or set "
            "EMS_CHROMIUM to its path; the browser tests do not skip.",
            pytrace=False,
        )
    if not (PROJECT_DIR / "assets" / "build" / "govuk" / "govuk-frontend.min.css").exists():
        pytest.fail("Front-end assets are not built: run `npm run build` first.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"axe-core not found at {AXE_JS}: run `npm ci`.", pytrace=False)
    return AXE_JS.read_text(encoding="utf-8")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


@dataclass
class UI:
    """One browser tab on the live server, with the checks every journey needs."""

    page: Any
    base_url: str
    test_name: str
    axe_source: str
    console_errors: list[str] = field(default_factory=list)
    csp_errors: list[str] = field(default_factory=list)
    a11y_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def goto(self, path: str) -> Any:
        return self.page.goto(self.url(path))

    def path(self) -> str:
        return str(self.page.url).removeprefix(self.base_url)

    def shot(self, step: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / f"{_slug(self.test_name)}-{_slug(step)}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target

    def axe(self, name: str) -> dict[str, Any]:
        """Run axe-core (WCAG 2.2 A/AA rules) on the current page and save its JSON.

        Violations are collected, not raised, so the journey carries on; ``assert_clean``
        at the end of the test fails listing every one.
        """
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, so the page's CSP does not block it.
            self.page.evaluate(self.axe_source)
        results = self.page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"axe-{_slug(name)}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
        for v in results["violations"]:
            nodes = "\n".join(
                f"      at {n['target']}: {' '.join(n.get('failureSummary', '').split())}" for n in v["nodes"]
            )
            self.a11y_violations.append(f"- {name} ({self.path()}): {v['id']} [{v['impact']}] {v['help']}\n{nodes}")
        return dict(results)

    def check(self, name: str) -> None:
        """Screenshot the page, check GOV.UK styles are applied, run axe."""
        self.shot(name)
        font = self.page.locator("h1").first.evaluate("el => getComputedStyle(el).fontFamily")
        assert "GDS Transport" in font, f"GOV.UK Frontend styles not applied on {self.path()} (h1 font: {font})"
        landmarks = self.page.evaluate(
            "() => ['banner', 'main', 'contentinfo'].filter(role => !document.querySelector("
            "role === 'banner' ? 'body > header' : role === 'main' ? 'main#main-content' : 'body > footer'))"
        )
        assert not landmarks, f"page {self.path()} is missing landmark(s): {landmarks}"
        self.axe(name)

    def assert_clean(self) -> None:
        """No accessibility violations on any page checked, and no CSP errors in the console."""
        problems = []
        if self.a11y_violations:
            problems.append("axe-core accessibility violations:\n" + "\n".join(self.a11y_violations))
        if self.csp_errors:
            problems.append("Content Security Policy violations in the console:\n" + "\n".join(self.csp_errors))
        assert not problems, "\n\n".join(problems)

    # --- journeys' building blocks ---

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        if "/account/sign-in/" not in self.page.url:
            self.goto("/account/sign-in/")
        self.page.get_by_label("Username", exact=True).fill(username)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_role("button", name="Sign in", exact=True).click()
        self.page.wait_for_load_state()

    def enter_code(self, code: str) -> None:
        self.page.get_by_label("Security code", exact=True).fill(code)
        self.page.get_by_role("button", name="Continue", exact=True).click()
        self.page.wait_for_load_state()


@pytest.fixture(scope="session")
def browser_context(browser: Any, live_server: Any) -> Iterator[Any]:
    """One context for the run so static files stay cached; each test clears its cookies."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def ui(browser_context: Any, live_server: Any, axe_source: str, request: pytest.FixtureRequest) -> Iterator[UI]:
    browser_context.clear_cookies()
    page = browser_context.new_page()
    session = UI(page=page, base_url=live_server.url, test_name=request.node.name, axe_source=axe_source)

    def on_console(message: Any) -> None:
        if message.type == "error":
            text = f"{message.text} (at {page.url})"
            session.console_errors.append(text)
            if "Content Security Policy" in message.text:
                session.csp_errors.append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: session.page_errors.append(f"{error} (at {page.url})"))
    try:
        yield session
    finally:
        page.close()


# --- Data -----------------------------------------------------------------------------------


@pytest.fixture
def authority(transactional_db: None) -> Any:
    from ems.core.services import authority_create

    return authority_create(
        acting_user=None, name="Testshire District Council", gss_code="E07000999", nation="ENG", authority_type="NMD"
    )


@pytest.fixture
def make_browser_user(authority: Any) -> Any:
    from ems.accounts.services import user_create

    def make(username: str, role: str) -> Any:
        return user_create(acting_user=None, authority=authority, username=username, password=PASSWORD, role=role)

    return make


@pytest.fixture
def ero(make_browser_user: Any) -> Any:
    """An ERO with a confirmed authenticator app using a known key; ``ero.device`` is it."""
    from ems.accounts.services import totp_device_create_confirmed

    user = make_browser_user("ero.jones", "ero")
    user.device = totp_device_create_confirmed(acting_user=None, user=user, key_hex=TOTP_KEY_HEX)
    return user


@pytest.fixture
def officer(make_browser_user: Any) -> Any:
    return make_browser_user("officer.smith", "officer")


def totp_now(device: Any) -> str:
    """The code the user's authenticator app shows now."""
    from django_otp.oath import totp

    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def totp_from_secret(secret: str, step: int = 30, digits: int = 6) -> str:
    from django_otp.oath import totp

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step, 0, digits, 0):0{digits}d}"
