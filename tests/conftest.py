"""Shared fixtures: every contract test runs on eth-tester and on a real anvil node."""
from __future__ import annotations

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, install_command, screenshot_folder

from grid.chain import connect
from grid.powergrid import PowerGridClient
from grid.powergrid.cast import CAST  # section 5.2.2's cast: (account, name, location, generate, consume)
from grid.widgets.common import LiveWidget

CHAINS = ["tester", pytest.param("anvil", marks=pytest.mark.anvil)]


@pytest.fixture(scope="module", params=CHAINS)
def chain(request):
    """One chain per module and target; tests isolate themselves with snapshots."""
    with connect(request.param) as c:
        yield c


@pytest.fixture(scope="module")
def deployed(chain):
    """A PowerGeneration contract with the thesis's four users registered."""
    client = PowerGridClient.deploy(chain)
    for account, name, place, gen, use in CAST:
        client.register_user(account, name, place, can_generate=gen, can_consume=use)
    return client


@pytest.fixture
def client(deployed, chain):
    """The deployed client, with chain state and log rolled back after each test."""
    snap = chain.snapshot()
    before = len(deployed.log)
    yield deployed
    chain.revert(snap)
    while len(deployed.log) > before:
        deployed.log._entries.pop()


# ------------------------------------------------------------ the two platforms
@pytest.fixture
def close_dashboards(monkeypatch):
    """Close every dashboard a test built: the module's shared client log outlives the test."""
    built = []
    start = LiveWidget._start_live

    def recording(self, *args, **kwargs):
        built.append(self)
        return start(self, *args, **kwargs)

    monkeypatch.setattr(LiveWidget, "_start_live", recording)
    yield
    for dashboard in built:
        dashboard.close()


@pytest.fixture
def fresh(client, chain):
    """A newly deployed contract with nobody registered (rolled back with `client`'s snapshot)."""
    return PowerGridClient.deploy(chain)


@pytest.fixture
def shots(request):
    """test-output/<test name>/, emptied; `shots(page, "step")` saves NN_step.png there."""
    folder = screenshot_folder(request.node.name)
    print(f"\nscreenshots: {folder}")
    count = [0]

    def save(page, step: str):
        count[0] += 1
        path = folder / f"{count[0]:02d}_{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    save.folder = folder
    return save


@pytest.fixture
def browser():
    """Headless chromium from /usr/bin, or a skip naming the install command."""
    if not CHROMIUM.exists():
        pytest.skip(f"chromium is not installed at {CHROMIUM}: install it with `{install_command()}`")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only the browser tests need it

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
