"""The browser the web tests drive: Debian's headless Chromium, launched through Playwright
('playwright install' is never run), and the folder where those tests leave screenshots,
downloads and request logs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# No sandbox: the tests may run as root in a container. The rest keeps Chromium from
# calling home, so a request log that stays on 127.0.0.1 is the page's doing alone.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def require_chromium() -> None:
    """Fail, never skip, without Chromium: the browser tests are part of ``make test``."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium chromium-driver", pytrace=False)
