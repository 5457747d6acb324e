"""The web app in a real browser: Debian's chromium, driven by the `playwright` pip package.

The thesis's chapter-5 story, played by people at two pages of `make app`:
the manager registers a generator and a consumer; the generator sells 100
kWh before generating, then records 10 kWh generated (section 5.2.2, whose
"units" the platforms type and show as kWh); the consumer uses 30 kWh; the
manager dispatches "stop". After every step
the other page must show the change by itself (a different Voila kernel, so
only the chain connects them), and a screenshot is saved under
test-output/<test name>/.

No browser is downloaded: the test uses /usr/bin/chromium and skips, with the
install command, when it is missing. Every request the browser makes must
stay on this machine (the app works offline).
"""
from __future__ import annotations

import re

import pytest
from browser_support import assert_not_clipped, watch_offsite

# playwright is a test dependency (pinned): a missing one must fail, not skip.
from playwright.sync_api import TimeoutError as PageTimeout
from playwright.sync_api import expect

from grid.app import AppServer
from grid.chain import connect

pytestmark = [pytest.mark.browser, pytest.mark.anvil]

LAPTOP = {"width": 1366, "height": 900}     # the common classroom laptop and projector
LIVE_S = 20_000      # ms to wait for a change to reach another page (the pages poll every ~1 s)
LOAD_S = 120_000     # ms for a page's kernel to start and run the page (a fresh clone compiles .pyc first)

# The scenario's amounts (thesis section 5.2.2: sell 100 before generating, then generate 10;
# the consumer then uses 30 of its 100), and what they must produce, by plain arithmetic.
SOLD, GENERATED, CONSUMED = 100, 10, 30
GENERATION_AFTER_SALE = 0 - SOLD                          # -100: sold before generated, still owed
GENERATION_AFTER_GENERATE = GENERATION_AFTER_SALE + GENERATED   # -90
TOTAL_GENERATION = GENERATED                              # 10
REMAINING_AFTER_SALE = SOLD                               # 100
REMAINING_AFTER_USE = SOLD - CONSUMED                     # 70
TOTAL_USE = CONSUMED                                      # 30
DISPATCH = "stop"


@pytest.fixture
def app(tmp_path):
    """The web app on a fresh anvil chain (no state file) and a free port."""
    with AppServer(port=0, record_path=tmp_path / "deployment.json") as server:
        yield server


def open_page(context, url: str, ready: str, app=None, shots=None):
    """Open `url` in a new tab and wait until the widget with CSS class `ready` is drawn.

    If it never is, the failure shows what the page and Voila said (and a
    screenshot), so a slow or broken page in CI can be told apart.
    """
    page = context.new_page()
    page.goto(url)
    try:
        page.locator(ready).first.wait_for(state="visible", timeout=LOAD_S)
    except PageTimeout:
        if shots is not None:
            shots(page, "page_never_ready")
        text = page.locator("body").inner_text()[:800]
        voila = "\n".join(list(app.voila_log)[-20:]) if app is not None else ""
        pytest.fail(f"{url} did not show {ready} within {LOAD_S / 1000:.0f} s.\n"
                    f"The page said:\n{text}\nVoila said:\n{voila}")
    assert_rendered(page)
    return page


def assert_rendered(page) -> None:
    """The page shows live widgets, not a cell error or a widget's text repr."""
    text = page.locator("body").inner_text()
    assert "There was an error when executing cell" not in text
    assert "Traceback" not in text
    for raw in ("VBox(", "Dashboard object", "AppPage("):
        assert raw not in text, f"the page shows {raw!r} as text instead of the widget"
    assert page.locator(".widget-button").count() > 0


def assert_beside(button, message, within_px: float = 80) -> None:
    """The message is drawn just under (or beside) its button, and inside the window."""
    b, m = button.bounding_box(), message.bounding_box()
    assert b and m and m["height"] > 0, "the message is not drawn"
    assert -5 <= m["y"] - (b["y"] + b["height"]) <= within_px, f"the message is {m['y'] - b['y']:.0f} px away"
    assert m["x"] + m["width"] <= LAPTOP["width"] + 1, "the message runs off the screen"


def text_of(locator) -> str:
    return locator.inner_text().strip()


def user_row(manager, account: str):
    """The manager table's row of `account` (its account column shows the name)."""
    return manager.locator(".gc-manager-user-row").filter(
        has=manager.locator(".gc-manager-user-address", has_text=re.compile(rf"^{account}$")))


def test_two_platforms_in_a_real_browser(browser, app, shots):
    expect.set_options(timeout=LIVE_S)
    offsite: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watch_offsite(context, offsite)
    observer = connect(app.rpc_url)  # the test's own view of the chain, to count blocks
    try:
        manager = open_page(context, app.urls.manager, ".gc-manager-register-button", app, shots)
        user = open_page(context, app.urls.user_as("generator1"), ".gc-user-generation", app, shots)

        # 0. Before registration: the user page says so, and its actions are visibly unavailable.
        expect(user.locator(".gc-user-account select")).to_have_value("generator1")
        expect(user.locator(".gc-user-name")).to_have_text("not registered yet")
        expect(user.locator(".gc-user-generate-button")).to_be_disabled()
        expect(user.locator(".gc-user-sell-button")).to_be_disabled()
        expect(user.locator(".gc-user-consume-button")).to_be_disabled()
        shots(user, "user_generator1_before_registration")

        # 1. The manager registers a generator and a consumer (empower, Fig. 5-4).
        for account, name, generate, consume in (("generator1", "PowerProviderOne", True, False),
                                                 ("consumer1", "PowerUserOne", False, True)):
            manager.locator(".gc-manager-register-address input").fill(account)
            manager.locator(".gc-manager-register-name input").fill(name)
            manager.locator(".gc-manager-register-location input").fill("Sundsvall")
            manager.locator(".gc-manager-register-generate input").set_checked(generate)
            manager.locator(".gc-manager-register-consume input").set_checked(consume)
            manager.locator(".gc-manager-register-button").click()
            expect(manager.locator(".gc-manager-message .gc-message-ok")).to_contain_text(
                f"Registered {account} as {name}")
        expect(manager.locator(".gc-manager-user-row")).to_have_count(2)
        expect(user_row(manager, "generator1").locator(".gc-manager-user-rights")).to_have_text("generator")
        expect(user_row(manager, "consumer1").locator(".gc-manager-user-rights")).to_have_text("consumer")
        shots(manager, "manager_registered_generator_and_consumer")

        # 2. The user page (another kernel) sees the registration by itself.
        expect(user.locator(".gc-user-name")).to_have_text("PowerProviderOne")
        expect(user.locator(".gc-user-rights")).to_have_text("generator")
        expect(user.locator(".gc-user-generate-button")).to_be_enabled()
        expect(user.locator(".gc-user-sell-button")).to_be_enabled()
        expect(user.locator(".gc-user-consume-button")).to_be_disabled()
        expect(user.locator(".gc-user-consumer-note")).to_contain_text("no consumption right")
        shots(user, "user_sees_registration")

        # 3. A bad amount: one sentence on the page, and no transaction.
        block = observer.block_number
        user.locator(".gc-user-sell-buyer input").fill("consumer1")
        user.locator(".gc-user-sell-amount input").fill("-5")
        user.locator(".gc-user-sell-button").click()
        error = user.locator(".gc-user-message .gc-message-error")
        expect(error).to_contain_text("cannot be negative")
        sentence = text_of(error)
        assert "\n" not in sentence and "Traceback" not in sentence and len(sentence) < 300, sentence
        assert observer.block_number == block, "a bad amount must send no transaction"
        expect(user.locator(".gc-user-generation")).to_have_text("0")
        shots(user, "user_bad_amount_one_sentence")

        # 4. The generator sells 100 kWh to the consumer before generating any (Transfer).
        user.locator(".gc-user-sell-amount input").fill(str(SOLD))
        user.locator(".gc-user-sell-button").click()
        expect(user.locator(".gc-user-message .gc-message-ok")).to_contain_text(f"sold {SOLD} kWh")
        expect(user.locator(".gc-user-generation")).to_have_text(str(GENERATION_AFTER_SALE))
        shots(user, "generator_sold_before_generating")

        # 5. ... then records 10 kWh generated (GeneratePower).
        user.locator(".gc-user-generate-amount input").fill(str(GENERATED))
        user.locator(".gc-user-generate-button").click()
        expect(user.locator(".gc-user-message .gc-message-ok")).to_contain_text(f"recorded {GENERATED} kWh")
        expect(user.locator(".gc-user-generation")).to_have_text(str(GENERATION_AFTER_GENERATE))
        expect(user.locator(".gc-user-total-generation")).to_have_text(str(TOTAL_GENERATION))
        shots(user, "generator_recorded_generation")

        # 6. The consumer (picked on the same page) uses 30 of its 100 kWh (PowerConsume).
        user.locator(".gc-user-account select").select_option("consumer1")
        expect(user.locator(".gc-user-name")).to_have_text("PowerUserOne")
        expect(user.locator(".gc-user-remaining")).to_have_text(str(REMAINING_AFTER_SALE))
        expect(user.locator(".gc-user-generate-button")).to_be_disabled()
        expect(user.locator(".gc-user-sell-button")).to_be_disabled()
        expect(user.locator(".gc-user-consume-button")).to_be_enabled()
        user.locator(".gc-user-consume-amount input").fill(str(CONSUMED))
        user.locator(".gc-user-consume-button").click()
        expect(user.locator(".gc-user-message .gc-message-ok")).to_contain_text(f"consumed {CONSUMED} kWh")
        expect(user.locator(".gc-user-remaining")).to_have_text(str(REMAINING_AFTER_USE))
        expect(user.locator(".gc-user-total-use")).to_have_text(str(TOTAL_USE))
        expect(user.locator(".gc-user-dispatch")).to_have_text("")
        shots(user, "consumer_consumed")

        # 7. The manager's table shows every user's numbers, and the manager dispatches "stop".
        generator_row, consumer_row = user_row(manager, "generator1"), user_row(manager, "consumer1")
        expect(generator_row.locator(".gc-manager-user-generation")).to_have_text(str(GENERATION_AFTER_GENERATE))
        expect(generator_row.locator(".gc-manager-user-total-generation")).to_have_text(str(TOTAL_GENERATION))
        expect(consumer_row.locator(".gc-manager-user-remaining")).to_have_text(str(REMAINING_AFTER_USE))
        expect(consumer_row.locator(".gc-manager-user-total-use")).to_have_text(str(TOTAL_USE))
        manager.locator(".gc-manager-dispatch-target select").select_option(label="consumer1")
        manager.locator(".gc-manager-dispatch-text input").fill(DISPATCH)
        manager.locator(".gc-manager-dispatch-button").click()
        expect(manager.locator(".gc-manager-message .gc-message-ok")).to_contain_text(
            f'Sent "{DISPATCH}" to consumer1')
        expect(consumer_row.locator(".gc-manager-user-dispatch")).to_have_text(DISPATCH)
        expect(generator_row.locator(".gc-manager-user-dispatch")).to_have_text("")
        shots(manager, "manager_dispatched_stop")

        # 8. The consumer's page shows the instruction by itself (GetInformation).
        expect(user.locator(".gc-user-dispatch")).to_have_text(DISPATCH)
        shots(user, "consumer_sees_dispatch")
        manager.close()
        user.close()

        # 9. The side-by-side page a teacher opens in class loads both platforms.
        wide = context.new_page()
        wide.set_viewport_size(LAPTOP)
        wide.goto(app.urls.side_by_side + "?account=consumer1")
        left = wide.frame_locator("#gc-app-manager-frame")
        right = wide.frame_locator("#gc-app-user-frame")
        expect(left.locator(".gc-manager-user-row")).to_have_count(2, timeout=LOAD_S)
        expect(right.locator(".gc-user-dispatch")).to_have_text(DISPATCH, timeout=LOAD_S)
        expect(right.locator(".gc-user-remaining")).to_have_text(str(REMAINING_AFTER_USE))
        expect(left.locator(".gc-manager-register-button")).to_be_visible()
        for frame, button in ((left, ".gc-manager-register-button"), (right, ".gc-user-sell-button")):
            assert_not_clipped(frame.locator(button))        # a label squeezed to "S" or "la…" is clipped
        assert_not_clipped(left.locator(".gc-manager-users table"))
        # Each form's sentence appears right under its own button, where the eye already is.
        right.locator(".gc-user-consume-amount input").fill("1")
        right.locator(".gc-user-consume-button").click()
        expect(right.locator(".gc-user-message .gc-message-ok")).to_contain_text("consumed 1 kWh")
        assert_beside(right.locator(".gc-user-consume-button"), right.locator(".gc-user-message"))
        left.locator(".gc-manager-dispatch-text input").fill(DISPATCH)
        left.locator(".gc-manager-dispatch-button").click()
        expect(left.locator(".gc-manager-message .gc-message-ok")).to_contain_text(f'Sent "{DISPATCH}"')
        assert_beside(left.locator(".gc-manager-dispatch-button"), left.locator(".gc-manager-message"))
        shots(wide, "side_by_side_1366x900")
        wide.close()
    finally:
        observer.close()
        context.close()
    assert not offsite, f"the app must work offline, yet the browser asked for {offsite}"
