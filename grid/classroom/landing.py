"""The teacher's class page: the links, the chain's state and who is online."""
from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..errors import GridError
from ..market.units import eth_text

if TYPE_CHECKING:
    from .session import ClassSession

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #111; }
header { background: #1a7f37; color: #fff; padding: .8rem 1.2rem; }
header h1 { margin: 0; font-size: 1.3rem; }
main { padding: 1rem 1.2rem; max-width: 70rem; }
.links a { display: inline-block; margin: 0 .6rem .6rem 0; padding: .5rem .9rem; border-radius: 6px;
           background: #0969da; color: #fff; text-decoration: none; }
.links a.secondary { background: #eaeef2; color: #111; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; padding: .25rem .7rem .25rem 0; border-bottom: 1px solid #eee; }
.state td:first-child { color: #555; }
@media (max-width: 600px) { main { padding: .6rem; } table { font-size: .8rem; } }
"""


def _chain_rows(session: ClassSession) -> list[tuple[str, str]]:
    chain = session.chain
    head = chain.block_number
    when = datetime.fromtimestamp(chain.timestamp(), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return [("Chain", f"{chain.target}, chainId {chain.chain_id}, on this machine only"),
            ("Latest block", f"{head:,} at {when}"),
            ("PowerGridV2 (registry)", session.record.registry),
            ("EnergyMarket", session.record.market),
            ("Pages open", f"{session.config.kernels.count()} of at most {session.config.kernels.cap}")]


def landing_page(session: ClassSession) -> str:
    """The teacher's landing page's HTML (read fresh from the chain on every visit)."""
    try:
        state = _chain_rows(session)
        balances = {m.name: eth_text(session.chain.balance(m.account)) for m in session.roster.students}
    except GridError as exc:
        state, balances = [("Chain", f"not answering: {exc}")], {}
    open_pages = {}
    for entry in session.config.kernels.snapshot():
        open_pages[entry.owner] = open_pages.get(entry.owner, 0) + 1
    state_html = "".join(f"<tr><td>{html.escape(k)}</td><td><code>{html.escape(v)}</code></td></tr>"
                         for k, v in state)
    students = "".join(
        f"<tr class='gc-class-student'><td>{html.escape(m.name)}</td>"
        f"<td><code>{html.escape(m.account)}</code></td><td>{html.escape(balances.get(m.name, '?'))}</td>"
        f"<td>{'online' if open_pages.get(m.name) else 'not yet'}</td></tr>"
        for m in session.roster.students)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class · GridChain Lab</title><link rel="icon" href="/favicon.ico"><style>{STYLE}</style></head>
<body><header><h1>GridChain Lab class · {len(session.roster.students)} students</h1></header><main>
<p class="links"><a href="/manager" class="gc-class-link-manager">Manager</a>
<a href="/operator" class="gc-class-link-operator">Market operator</a>
<a href="/roster" class="secondary gc-class-link-roster">Students' links and QR codes</a></p>
<h2>The chain</h2><table class="state">{state_html}</table>
<h2>Students</h2>
<p>Each student opens their own link; their page acts only as their own account, and the server signs
for it. These are public test keys on a private chain: never real money.</p>
<table><thead><tr><th>student</th><th>account</th><th>balance</th><th>page</th></tr></thead>
<tbody>{students}</tbody></table></main></body></html>"""
