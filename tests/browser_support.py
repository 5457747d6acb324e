"""What the browser tests share: Debian's chromium and flags, install command, screenshots, offsite requests.

No browser is downloaded: the tests use /usr/bin/chromium and skip, with the
install command, when it is missing. Every request a page makes must stay on
this machine (the pages work offline).
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[1]
LOCAL_HOSTS = ("127.0.0.1", "localhost")


def install_command() -> str:
    """The exact command that installs Debian's chromium on this machine."""
    if os.geteuid() == 0 or shutil.which("sudo") is None:
        return "apt-get install -y chromium"
    return "sudo apt-get install -y chromium"


def screenshot_folder(test_name: str) -> Path:
    """test-output/<test name>/, emptied."""
    folder = REPO / "test-output" / re.sub(r"[^\w.-]+", "_", test_name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def watch_offsite(context, offsite: list[str], local: tuple[str, ...] = LOCAL_HOSTS) -> None:
    """Append to `offsite` every request the context's pages make to a host not in `local`."""
    context.on("request", lambda request: offsite.append(request.url)
               if urlparse(request.url).hostname not in local
               and not request.url.startswith(("data:", "blob:", "about:")) else None)


def assert_not_clipped(locator) -> None:
    """The element shows all of its content: nothing cut off or hidden behind a scroll bar."""
    scroll, client = locator.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll <= client + 1, f"{locator} shows {client} px of its {scroll} px"
