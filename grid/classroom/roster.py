"""Who is in the class: each student's account and personal link, kept in the class folder.

A class folder (`python -m grid class --out DIR`) holds what a teacher hands
out and what the server needs to recognise each link:

    roster.csv     student, account, url, token: one row per student (and the teacher's row)
    roster.html    the same links as QR codes, one per student, to print or project
    class.json     the contracts, the chain and the tokens' digests (read by the server)

A token is 128 random bits (`secrets.token_urlsafe`), so a link cannot be
guessed; the server compares tokens in constant time. The folder is the
teacher's: anyone who reads roster.csv can act as every student.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import html
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..errors import GridError

TOKEN_BYTES = 16                 # 128 bits: not guessable, short enough for a QR code
TEACHER = "teacher"
ROSTER_CSV = "roster.csv"
ROSTER_HTML = "roster.html"
CSV_COLUMNS = ("student", "account", "url", "token")


def new_token() -> str:
    """A fresh random link token (URL-safe text)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """The SHA-256 of a token, as hex: what the server keeps and compares."""
    return hashlib.sha256(token.encode()).hexdigest()


def student_name(number: int) -> str:
    """The name of student `number` (1-based): "student01"."""
    return f"student{number:02d}"


@dataclass(frozen=True)
class Member:
    """One person with a link: a student (with an account) or the teacher (account "admin")."""

    name: str          # "student01", or "teacher"
    account: str       # checksummed address
    token: str

    @property
    def is_teacher(self) -> bool:
        """True for the teacher's row."""
        return self.name == TEACHER

    def link(self, base_url: str) -> str:
        """This member's personal address on the class server."""
        return f"{base_url.rstrip('/')}/?token={self.token}"


@dataclass(frozen=True)
class Roster:
    """The class's members and the address they open."""

    members: tuple[Member, ...]

    @property
    def teacher(self) -> Member:
        """The teacher's row."""
        return next(m for m in self.members if m.is_teacher)

    @property
    def students(self) -> tuple[Member, ...]:
        """The students' rows, in order."""
        return tuple(m for m in self.members if not m.is_teacher)

    def find(self, token: str | None) -> Member | None:
        """The member whose token this is, or None; compared in constant time."""
        if not token:
            return None
        digest = token_digest(token)
        found = None
        for member in self.members:   # every row compared: the time says nothing about which matched
            if hmac.compare_digest(token_digest(member.token), digest):
                found = member
        return found

    def csv_text(self, base_url: str) -> str:
        """roster.csv's text: student, account, url, token."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for m in (*self.students, self.teacher):
            writer.writerow((m.name, m.account, m.link(base_url), m.token))
        return out.getvalue()

    def html_text(self, base_url: str, title: str = "GridChain Lab class") -> str:
        """roster.html's text: a card per member with its QR code (inline SVG, nothing fetched)."""
        cards = "\n".join(_card(m, base_url) for m in (*self.students, self.teacher))
        return ROSTER_PAGE.format(title=html.escape(title), count=len(self.students),
                                  base=html.escape(base_url), cards=cards)

    def write(self, folder: Path, base_url: str) -> tuple[Path, Path]:
        """Write roster.csv and roster.html into `folder` (readable by its owner only)."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = folder / ROSTER_CSV, folder / ROSTER_HTML
        for path, text in zip(paths, (self.csv_text(base_url), self.html_text(base_url)), strict=True):
            path.write_text(text, encoding="utf-8")
            path.chmod(0o600)   # the tokens are the class's keys
        return paths


def read_roster_csv(path: Path) -> list[dict[str, str]]:
    """roster.csv's rows as dictionaries (student, account, url, token)."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise GridError(f"cannot read the roster {path} ({exc.strerror})", kind="input") from None
    if not rows or set(CSV_COLUMNS) - set(rows[0]):
        raise GridError(f"{path} is not a class roster (columns {', '.join(CSV_COLUMNS)}): "
                        f"start the class again with --reset", kind="input")
    return rows


def qr_svg(text: str) -> str:
    """`text` as a QR code in inline SVG (segno, error correction M)."""
    import segno  # noqa: PLC0415 - only the roster page draws QR codes

    return segno.make(text, error="m").svg_inline(scale=4, border=2, dark="#111")


def _card(member: Member, base_url: str) -> str:
    link = member.link(base_url)
    who = "Teacher: manager and market operator" if member.is_teacher else member.name
    return (f'<div class="card{" teacher" if member.is_teacher else ""}"><h2>{html.escape(who)}</h2>'
            f'{qr_svg(link)}<p class="account">{html.escape(member.account)}</p>'
            f'<p class="link"><a href="{html.escape(link)}">{html.escape(link)}</a></p></div>')


ROSTER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: links</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; }}
  .cards {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 1rem; }}
  .card {{ border: 1px solid #bbb; border-radius: 6px; padding: .75rem; break-inside: avoid; }}
  .card.teacher {{ border-color: #cf222e; }}
  .card h2 {{ font-size: 1.1rem; margin: 0 0 .5rem; }}
  .account, .link {{ font-size: .7rem; word-break: break-all; margin: .25rem 0; }}
  @media print {{ .card {{ page-break-inside: avoid; }} }}
</style></head>
<body>
<h1>{title}</h1>
<p>{count} students on <code>{base}</code>. Each code opens one student's own page, which acts only as
that student's account. Hand each student their own card; keep the teacher's card. These are public
test keys on a private chain: never real money.</p>
<div class="cards">
{cards}
</div>
</body></html>
"""
