"""A class session: the chain, the class's contracts and accounts, Voila on loopback, and the front door.

    with ClassSession(Path("class"), students=30) as session:
        print(session.describe())        # the teacher's link, the roster files
        session.wait()                   # until Ctrl-C

What listens where:
- the node (anvil) on 127.0.0.1 only, CORS restricted to no web page;
- Voila on 127.0.0.1 only, with a secret token only the front door sends;
- the front door (grid.classroom.gateway) on `host:port`, the one address
  students' browsers reach; it checks a token on every request.
"""
from __future__ import annotations

import asyncio
import json
import secrets
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..chain import Chain, connect
from ..chain import process as node_process
from ..chain.anvil import LONG_CHAIN_HARDFORK
from ..errors import GridError
from .gateway import GatewayConfig, application, reap
from .kernels import DEFAULT_CAP, KernelRegistry
from .landing import landing_page
from .provision import ClassRecord, provision_class
from .roster import Roster

DEFAULT_PORT = 8900
DEFAULT_STUDENTS = 30
STATE_FILE = "chain.json"
POOL_SIZE = 2          # pre-started kernels for the student page: the first loads do not wait for Python
PAGES_DIR = Path(__file__).resolve().parents[1] / "app" / "class_pages"


def lan_address() -> str:
    """This machine's address on its network (no packet is sent), or 127.0.0.1 without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))   # a UDP connect only picks the outgoing interface
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def listen_addresses(host: str) -> list[str]:
    """The addresses a browser may use to reach `host` (every interface's for 0.0.0.0)."""
    if host not in ("0.0.0.0", "::"):
        return [host]
    names = {"127.0.0.1", "localhost", socket.gethostname(), lan_address()}
    try:
        import psutil  # noqa: PLC0415 - a dependency of ipykernel, present wherever Voila is

        for addresses in psutil.net_if_addrs().values():
            names.update(a.address for a in addresses if a.family == socket.AF_INET)
    except ImportError:
        pass
    return sorted(names)


@dataclass
class ClassSession:
    """A running class: start() sets everything up, stop() ends it (the chain's state is kept)."""

    folder: Path
    students: int = DEFAULT_STUDENTS
    host: str = "0.0.0.0"
    port: int = DEFAULT_PORT
    chain_target: str = "anvil"
    reset: bool = False
    cap: int = DEFAULT_CAP
    pool_size: int = POOL_SIZE
    student_pool: int | None = None     # pre-started kernels for the student page alone (default: pool_size)
    chain: Chain | None = field(default=None, init=False)
    record: ClassRecord | None = field(default=None, init=False)
    roster: Roster | None = field(default=None, init=False)
    config: GatewayConfig | None = field(default=None, init=False)
    voila: object = field(default=None, init=False, repr=False)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)

    def __enter__(self) -> ClassSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The address students open (before their token)."""
        shown = lan_address() if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{shown}:{self.port}"

    def start(self) -> ClassSession:
        """Chain, contracts, accounts, roster, Voila, front door; a GridError (and nothing left running)."""
        from ..app.voila_process import voila_available  # noqa: PLC0415 - Voila's side loads only for a class

        if not voila_available():
            raise GridError("Voila is not installed in this Python: run `make setup`", kind="unsupported")
        self.folder = Path(self.folder).expanduser().resolve()
        self.port = node_process.check_listen_port(self.port, self.host, taken="is a class already running?")
        try:
            # A class chain runs for hours: Cancun keeps anvil flat in blocks (grid/chain/anvil.py).
            state = ({"state_file": self.folder / STATE_FILE, "hardfork": LONG_CHAIN_HARDFORK}
                     if self.chain_target == "anvil" else {})
            self.folder.mkdir(parents=True, exist_ok=True)
            self.chain = connect(self.chain_target, accounts=10, **state)
            self.record, self.roster = provision_class(self.chain, self.folder, self.students,
                                                       reset=self.reset)
            self.roster.write(self.folder, self.base_url)
            self._start_voila()
            self._start_front_door()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_voila(self) -> None:
        from ..app.classroom import ENV_CLASS_DIR, ENV_CLASS_RPC_URL  # noqa: PLC0415 - see start()
        from ..app.voila_process import VoilaProcess, page_environment, voila_command  # noqa: PLC0415

        port = node_process.check_listen_port(0, "127.0.0.1", taken="")
        token = secrets.token_urlsafe(32)
        args = [f"--Voila.token={token}", f"--preheat_kernel={self.pool_size > 0}",
                f"--pool_size={max(self.pool_size, 0)}", "--VoilaConfiguration.file_allowlist=[]"]
        if self.pool_size > 0:
            # The teacher opens each of their pages once: a warm kernel kept for them would idle all lesson.
            student_pool = self.pool_size if self.student_pool is None else self.student_pool
            pools = {"default": {"pool_size": 0}, "student.ipynb": {"pool_size": student_pool}}
            args.append(f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}")
        env = page_environment({ENV_CLASS_DIR: str(self.folder), ENV_CLASS_RPC_URL: self.chain.rpc_url})
        self.voila = VoilaProcess.start(voila_command(PAGES_DIR, port, "127.0.0.1", args), env, PAGES_DIR)
        upstream = f"http://127.0.0.1:{port}"
        self.voila.wait_until_serving(f"{upstream}/voila/static/favicon.ico",
                                      headers={"Authorization": f"token {token}"})
        hosts = frozenset(f"{a}:{self.port}".lower() for a in listen_addresses(self.host))
        self.config = GatewayConfig(self.roster, upstream, token, hosts, KernelRegistry(self.cap),
                                    landing=lambda member: landing_page(self), roster_html=self._roster_html)

    def _roster_html(self) -> str:
        return self.roster.html_text(self.base_url)

    def _start_front_door(self) -> None:
        ready = threading.Event()
        failed: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                server = application(self.config).listen(self.port, address=self.host, xheaders=False)
                self._reaper = loop.create_task(reap(self.config))
            except BaseException as exc:   # a bind error: say it in start()
                failed.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            server.stop()
            loop.close()

        self._thread = threading.Thread(target=serve, name="class-front-door", daemon=True)
        self._thread.start()
        ready.wait(30)
        if failed:
            raise GridError(f"cannot listen on {self.host}:{self.port} ({failed[0]}): choose another --port",
                            kind="input")

    def problem(self) -> str | None:
        """None while everything runs; else one sentence saying what stopped."""
        if self.voila is not None and not self.voila.running:
            return f"Voila exited unexpectedly (it said: {self.voila.log_tail()})"
        process = getattr(self.chain, "process", None)
        if process is not None and not process.running:
            return "the anvil node exited unexpectedly"
        return None

    def stop(self) -> None:
        """Stop the front door, Voila and its kernels, then the node (it saves its state). Safe to repeat."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(10)
            self._loop = None
        if self.voila is not None:
            self.voila.stop()
            self.voila = None
        if self.chain is not None:
            self.chain.close()
            self.chain = None

    def link(self, name: str) -> str:
        """The personal link of `name` ("student03" or "teacher")."""
        member = next((m for m in self.roster.members if m.name == name), None)
        if member is None:
            raise GridError(f"there is no {name!r} in this class", kind="input")
        return member.link(self.base_url)

    def describe(self) -> str:
        """What the teacher needs, as lines."""
        chain = (f"  Chain: anvil, chainId {self.chain.chain_id}, on {self.chain.rpc_url} (this machine "
                 f"only); "
                 f"state in {self.folder / STATE_FILE}" if self.chain_target == "anvil"
                 else f"  Chain: {self.chain.rpc_url}")
        return "\n".join([
            f"GridChain Lab class: {len(self.roster.students)} students on {self.base_url}",
            f"  Teacher (keep this link to yourself): {self.link('teacher')}",
            f"  Roster: {self.folder / 'roster.csv'} and {self.folder / 'roster.html'} (a QR code each)",
            chain,
            f"  Contracts: PowerGridV2 {self.record.registry}, EnergyMarket {self.record.market}",
            f"  Pages: at most {self.cap} open at once; a closed tab's page is freed after "
            f"{self.config.kernels.close_grace_s:.0f} s, an idle one after "
            f"{self.config.kernels.idle_s / 60:.0f} min",
        ])

