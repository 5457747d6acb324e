"""A class in a real browser: Debian's chromium, driven by the `playwright` pip package.

Two students and their teacher at `python -m grid class` (on loopback):
student01, on a phone (390×844), bids for 1.5 kWh at up to 0.0002 ETH/kWh;
student02, on another phone, asks 1 kWh at no less than 0.0001 ETH/kWh; the
teacher, at a laptop (1366×900), opens the market operator's page and clears
the slot. Student01's page must then show, by itself, the uniform price the
auction sets: the midpoint of the last pair that traded, (0.0002 + 0.0001) / 2
= 0.00015 ETH/kWh, for the 1 kWh the ask offers (the smaller side). The
roster's QR codes, read back from a screenshot by zxing-cpp (an independent
decoder), must carry each member's link. Screenshots go to test-output/<test>/.
"""
from __future__ import annotations

import re

import pytest
import zxingcpp
from browser_support import assert_not_clipped, watch_offsite
from PIL import Image

# playwright and zxing-cpp are test dependencies (pinned): a missing one must fail, not skip.
from playwright.sync_api import expect

from grid.classroom.session import ClassSession

pytestmark = [pytest.mark.browser, pytest.mark.anvil]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
LOAD_MS = 180_000     # a cold page: its kernel starts and runs the page
LIVE_MS = 30_000      # a change reaching another page (pages poll the chain every ~1 s)
BID_KWH, BID_PRICE = "1.5", "0.0002"
ASK_KWH, ASK_PRICE = "1", "0.0001"
CLEARED = "1 kWh at 0.00015 ETH/kWh"     # min(1.5, 1) kWh at (0.0002 + 0.0001) / 2


@pytest.fixture
def session(tmp_path):
    with ClassSession(tmp_path / "class", students=2, host="127.0.0.1", port=0, pool_size=1) as running:
        yield running


def open_link(context, link: str, ready: str, shots, errors: list[str]):
    """Open a member's link in a new tab and wait until `ready` is drawn."""
    page = context.new_page()
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.goto(link)
    try:
        page.locator(ready).first.wait_for(state="visible", timeout=LOAD_MS)
    except Exception:
        shots(page, "page_never_ready")
        raise
    text = page.locator("body").inner_text()
    assert "Traceback" not in text and "There was an error" not in text, text[:800]
    return page


def place(page, side: str, kwh: str, price: str) -> None:
    page.locator(".gc-market-side button", has_text=side).click()
    page.locator(".gc-market-kwh input").fill(kwh)
    page.locator(".gc-market-price input").fill(price)
    page.locator(".gc-market-place").click()
    expect(page.locator(".gc-market-message .gc-message-ok")).to_contain_text(f"{kwh} kWh", timeout=LIVE_MS)


def test_students_trade_on_phones_and_the_teacher_clears(browser, session, shots):
    offsite: list[str] = []
    errors: list[str] = []
    phones = [browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True) for _ in range(2)]
    laptop = browser.new_context(viewport=LAPTOP)
    for context in (*phones, laptop):
        watch_offsite(context, offsite)
    try:
        buyer = open_link(phones[0], session.link("student01"), ".gc-market-place", shots, errors)
        seller = open_link(phones[1], session.link("student02"), ".gc-market-place", shots, errors)
        for page in (buyer, seller):
            expect(page).to_have_title(re.compile("GridChain"))
            assert_not_clipped(page.locator("html"))      # nothing scrolls sideways
            assert page.locator(".gc-market-clear").count() == 0, "a student's page must not clear"
        expect(buyer.locator(".gc-market-book")).to_contain_text("No orders yet")
        shots(buyer, "phone_student01_before")

        place(buyer, "bid", BID_KWH, BID_PRICE)
        shots(buyer, "phone_student01_bid_placed")
        place(seller, "ask", ASK_KWH, ASK_PRICE)
        expect(buyer.locator(".gc-market-book .gc-market-order")).to_have_count(2, timeout=LIVE_MS)
        shots(seller, "phone_student02_ask_placed")

        teacher = open_link(laptop, session.link("teacher"), ".gc-class-link-operator", shots, errors)
        shots(teacher, "laptop_teacher_class_page")
        teacher.locator(".gc-class-link-operator").click()
        teacher.locator(".gc-market-clear").wait_for(state="visible", timeout=LOAD_MS)
        expect(teacher.locator(".gc-market-book .gc-market-order")).to_have_count(2, timeout=LIVE_MS)
        assert_not_clipped(teacher.locator("html"))
        shots(teacher, "laptop_operator_before_clearing")
        teacher.locator(".gc-market-clear").click()
        expect(teacher.locator(".gc-market-result")).to_contain_text(CLEARED, timeout=LIVE_MS)
        expect(teacher.locator(".gc-market-chart svg")).to_have_count(1, timeout=LIVE_MS)
        shots(teacher, "laptop_operator_cleared")

        expect(buyer.locator(".gc-market-result")).to_contain_text(CLEARED, timeout=LIVE_MS)
        expect(seller.locator(".gc-market-result")).to_contain_text(CLEARED, timeout=LIVE_MS)
        shots(buyer, "phone_student01_sees_result")

        roster = laptop.new_page()
        roster.goto(session.base_url + "/roster")
        path = shots(roster, "laptop_roster")
        decoded = {r.text for r in zxingcpp.read_barcodes(Image.open(path))}
        assert decoded == {session.link(m.name) for m in session.roster.members}, decoded
    finally:
        for context in (*phones, laptop):
            context.close()
    assert offsite == [], f"requests left the machine: {offsite}"
    assert errors == [], "console errors:\n" + "\n".join(errors)
