"""What the class server's pages run in their kernels: one student's own platform, or the teacher's.

The class server (grid.classroom) starts Voila with two environment variables
that every page's kernel inherits:

    GRIDCHAIN_CLASS_DIR       the class folder (class.json, the identity store)
    GRIDCHAIN_CLASS_RPC_URL   the node's JSON-RPC URL (loopback: only this machine reaches it)

The student page learns whose page it is from its query string, which the
class server writes itself after checking the student's token (the browser's
own query never reaches Voila). It then offers that one account and nothing
else: no account picker, and every form acts as that student.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import ipywidgets as widgets

from ..chain import connect
from ..classroom.provision import ClassRecord, add_students, identity_store
from ..errors import GridError
from ..market import MarketClient
from ..powergridv2 import PowerGridV2Client
from .page import AppPage, error_page

ENV_CLASS_DIR = "GRIDCHAIN_CLASS_DIR"
ENV_CLASS_RPC_URL = "GRIDCHAIN_CLASS_RPC_URL"
NODE_ACCOUNTS = 10      # the node signs for these (admin ...); students are added by provision


@dataclass(frozen=True)
class ClassContext:
    """Where a class page finds the chain and the class's contracts."""

    folder: Path
    rpc_url: str
    record: ClassRecord

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ClassContext:
        """Read the class server's variables; a GridError when the page was not started by it."""
        environ = os.environ if environ is None else environ
        folder, url = environ.get(ENV_CLASS_DIR, "").strip(), environ.get(ENV_CLASS_RPC_URL, "").strip()
        record = ClassRecord.read(Path(folder)) if folder and url else None
        if record is None:
            raise GridError("this page belongs to a class session: the teacher starts it with `make class` "
                            "and hands out the links it prints", kind="input")
        return cls(Path(folder), url, record)

    def clients(self, account: str = "admin") -> tuple[PowerGridV2Client, MarketClient]:
        """The registry and the market, acting as `account`, over a fresh connection."""
        chain = connect(self.rpc_url, accounts=NODE_ACCOUNTS)
        add_students(chain, len(self.record.students))
        registry = PowerGridV2Client(chain, self.record.registry, account=account,
                                     identities=identity_store(self.folder))
        market = MarketClient(chain, self.record.market, account=account)
        market.registry_client = registry
        return registry, market


def page_student(query_string: str | None = None) -> str:
    """The student named by the server-written query (?student=student03); a GridError without one."""
    query = os.environ.get("QUERY_STRING", "") if query_string is None else query_string
    name = (parse_qs(query or "").get("student") or [""])[0].strip()
    if not name:
        raise GridError("this page needs your personal class link: open the link (or scan the QR code) "
                        "your teacher gave you", kind="input")
    return name


def _heading(title: str, text: str) -> widgets.HTML:
    line = widgets.HTML(f"<h2 class='gc-class-title'>{title}</h2><p class='gc-class-intro'>{text}</p>")
    line.add_class("gc-class-heading")
    return line


def student_page(query_string: str | None = None, *, live: bool = True) -> AppPage:
    """One student's platform: balances, dispatch, the market (orders, book, last clearing) and My day."""
    try:
        from ..widgets.user import UserDashboard  # noqa: PLC0415 - in the try: failing is one sentence

        context = ClassContext.from_env()
        name = page_student(query_string)
        if name not in context.record.students:
            raise GridError(f"there is no student {name!r} in this class: open the link your teacher "
                            f"gave you", kind="input")
        registry, market = context.clients(name)
        dashboard = UserDashboard(registry, name, accounts=[name], live=live, market=market)
        dashboard.account_picker.layout.display = "none"   # one account: nothing to pick
    except Exception as exc:
        return error_page(exc)
    return AppPage(widgets.VBox([_heading(f"{name}'s platform",
                                          "Your balances, your orders on the energy market and your day. "
                                          "Everything you do here is signed as your own account."),
                                 dashboard.widget]), dashboard)


def manager_page(*, live: bool = True) -> AppPage:
    """The teacher's manager platform: register and authorise students, query them, dispatch."""
    try:
        from ..widgets.manager import ManagerDashboard  # noqa: PLC0415 - in the try: failing is one sentence

        registry, _ = ClassContext.from_env().clients()
        dashboard = ManagerDashboard(registry, live=live)
    except Exception as exc:
        return error_page(exc)
    return AppPage(widgets.VBox([_heading("Manager", "Register and authorise users, see everyone's balances "
                                          "and send dispatch instructions, as the administrator."),
                                 dashboard.widget]), dashboard)


def operator_page(*, live: bool = True) -> AppPage:
    """The teacher's market operator: the open slot's book, clearing with its chart, settlement."""
    try:
        from ..widgets.market import MarketDashboard  # noqa: PLC0415 - in the try: failing is one sentence

        _, market = ClassContext.from_env().clients()
        dashboard = MarketDashboard(market, account="admin", role="operator", live=live)
    except Exception as exc:
        return error_page(exc)
    return AppPage(widgets.VBox([_heading("Market operator", "The open slot's order book; close its gate and "
                                          "clear it, then let the meters report and settle."),
                                 dashboard.widget]), dashboard)


def wait_for_request() -> None:
    """In a pre-started kernel, wait until a browser asks for the page (its query then is in the env).

    Voila's preheated kernels run the page up to here before anyone asks for
    it, so the imports are already done when a student opens the link.
    """
    from .. import widgets as _platforms  # noqa: F401, PLC0415 - load the platforms before the wait
    try:
        from voila.utils import wait_for_request as voila_wait  # noqa: PLC0415 - only inside Voila's kernels
    except ImportError:
        return
    voila_wait()
