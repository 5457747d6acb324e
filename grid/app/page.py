"""What the web app's pages run in their kernels: connect to the app's chain and show a platform.

The launcher (grid.app.server) sets three environment variables before it
starts Voila; every page's kernel inherits them:

    GRIDCHAIN_APP_RPC_URL    the node's JSON-RPC URL
    GRIDCHAIN_APP_CONTRACT   the PowerGeneration contract's address
    GRIDCHAIN_APP_ACCOUNTS   how many named accounts to derive (admin, generator1, ...)

The user page also reads its account from the page address: Voila hands the
query string to the kernel as $QUERY_STRING, so `user.ipynb?account=consumer1`
opens consumer1's platform. A page never shows a traceback: when something is
wrong (the app is not running, the node stopped) it shows one sentence.
"""
from __future__ import annotations

import html
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as widgets
from IPython.display import display

from ..chain import connect
from ..errors import GridError
from ..powergrid import PowerGridClient

ENV_RPC_URL = "GRIDCHAIN_APP_RPC_URL"
ENV_CONTRACT = "GRIDCHAIN_APP_CONTRACT"
ENV_ACCOUNTS = "GRIDCHAIN_APP_ACCOUNTS"
DEFAULT_ACCOUNTS = 10
MANAGER_ACCOUNT = "admin"   # the deployer: the contract's administrator


@dataclass(frozen=True)
class PageContext:
    """Where a page finds the app's chain and contract."""

    rpc_url: str
    contract: str
    accounts: int = DEFAULT_ACCOUNTS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> PageContext:
        """Read the launcher's variables; a GridError when the page was not started by the app."""
        environ = os.environ if environ is None else environ
        url, contract = environ.get(ENV_RPC_URL, "").strip(), environ.get(ENV_CONTRACT, "").strip()
        if not url or not contract:
            raise GridError("this page is part of the GridChain web app: start it with `make app` "
                            "(or `python -m grid app`) and open the address it prints", kind="input")
        count = environ.get(ENV_ACCOUNTS, "").strip()
        return cls(url, contract, int(count) if count.isdigit() and int(count) > 0 else DEFAULT_ACCOUNTS)

    def client(self):
        """A PowerGridClient on the app's contract, over a fresh connection to its node."""
        chain = connect(self.rpc_url, accounts=self.accounts)
        return PowerGridClient(chain, self.contract, account=MANAGER_ACCOUNT)


def query_account(query_string: str | None = None) -> str | None:
    """The `account` of the page address's query (?account=generator1), or None."""
    query = os.environ.get("QUERY_STRING", "") if query_string is None else query_string
    values = parse_qs(query or "").get("account") or [""]
    return values[0].strip() or None


@dataclass
class AppPage:
    """A page's content: the dashboard (when it could be built) and the widget to display."""

    widget: Any                 # ipywidgets container
    dashboard: Any = None       # UserDashboard or ManagerDashboard; None after an error
    error: str = ""             # the sentence shown instead of the dashboard

    def _ipython_display_(self) -> None:
        display(self.widget)


def _sentence(exc: BaseException) -> str:
    if isinstance(exc, GridError):
        text = exc.message
    else:  # a bug of ours: still one sentence, never a traceback wall
        text = f"unexpected {type(exc).__name__}: {exc}; please report this to your teacher"
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _notice(text: str, css_class: str, colour: str) -> Any:
    line = widgets.HTML(f'<span style="color:{colour}">{html.escape(text, quote=False)}</span>')
    line.add_class(css_class)
    return line


def _full_height(dashboard: Any) -> Any:
    # The dashboards flex as "1 1 0" to share a row equally in a notebook; in a
    # page's column that basis of 0 would collapse them to no height at all.
    dashboard.widget.layout.flex = "1 1 auto"
    return dashboard.widget


def error_page(exc: BaseException) -> AppPage:
    """A page that shows one sentence saying what went wrong (class gc-app-error)."""
    text = _sentence(exc)
    return AppPage(widgets.VBox([_notice(text, "gc-app-error", "#cf222e")]), error=text)


def manager_page(*, live: bool = True) -> AppPage:
    """The manager platform: register users, query them, dispatch (thesis chapter 5)."""
    try:
        from ..widgets.manager import ManagerDashboard  # noqa: PLC0415 - in the try: failing is one sentence

        dashboard = ManagerDashboard(PageContext.from_env().client(), live=live)
    except Exception as exc:
        return error_page(exc)
    return AppPage(_full_height(dashboard), dashboard)


def user_page(query_string: str | None = None, *, live: bool = True) -> AppPage:
    """The user platform for the account in the page address (?account=...), with an account picker."""
    try:
        from ..widgets.user import UserDashboard  # noqa: PLC0415 - in the try: failing is one sentence

        client = PageContext.from_env().client()
        names = [account.name for account in client.chain.accounts if account.name != MANAGER_ACCOUNT]
        wanted = query_account(query_string)
        notice = None
        if wanted is not None and wanted not in client.chain.accounts:
            notice = _notice(f"There is no account named {wanted!r} on this chain: pick one below "
                             f"({', '.join(names[:4])}, ...).", "gc-app-notice", "#9a6700")
            wanted = None
        dashboard = UserDashboard(client, wanted, accounts=names, live=live)
    except Exception as exc:
        return error_page(exc)
    parts = [notice, _full_height(dashboard)] if notice is not None else [_full_height(dashboard)]
    return AppPage(widgets.VBox(parts), dashboard)
