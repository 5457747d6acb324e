"""Command line: `python -m grid demo | node | compile | app | class | class-load | bench | slither |
simulate`.

Every GridError is printed as one sentence on stderr (exit status 2), and
argparse reports bad options the same way, so a student sees no traceback for
any failure the toolkit anticipates.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from .accounts import Accounts
from .analysis import slither
from .bench import cli as bench_cli
from .chain import MAX_ACCOUNTS, THESIS_CHAIN_ID, AnvilProcess, connect
from .chain.anvil import LONG_CHAIN_HARDFORK
from .chain.state_file import SAVE_INTERVAL_S
from .classroom import cli as class_cli
from .compiler import artifact_path, compile_contracts, write_artifacts
from .demo import run_scenario
from .errors import GridError
from .serving import wait_until_stopped
from .simulation import cli as simulation_cli

APP_STATE_FILE = ".cache/app-chain.json"  # `python -m grid app`: the class chain


def _cmd_demo(args: argparse.Namespace) -> int:
    with connect(args.chain) as chain:
        print(f"Replaying thesis section 5.2.2 on {chain!r}")
        result = run_scenario(chain)
    print(f"\nDone: GetGeneration {result.generation_after_generate}, "
          f"GetTotalGeneration {result.total_generation}, "
          f"consumer1 read dispatch {result.dispatch_received!r}.")
    return 0


def _cmd_node(args: argparse.Namespace) -> int:
    node = AnvilProcess.start(accounts=args.accounts, state_file=args.state, port=args.port, host=args.host,
                              hardfork=LONG_CHAIN_HARDFORK)   # a node runs for hours: see grid/chain/anvil.py
    print(f"GridChain private chain (anvil, chainId {THESIS_CHAIN_ID}) is running.")
    print(f"RPC URL: {node.url}")
    if args.state:
        print(f"State file: {node.state_file} (saved every {SAVE_INTERVAL_S} s and when you stop the node; "
              f"a crash or kill -9 loses at most the last {SAVE_INTERVAL_S} s)")
        print(f"Resumed the saved chain at block {node.resumed.block_number}." if node.resumed
              else "Started a new chain at block 0.")
    print("Accounts (from the documented test mnemonic; public test keys, never use them for real value):")
    for account in Accounts.derive(args.accounts):
        print(f"  {account.name:<11} {account.address}")
    print(f"Connect with:  python -m grid demo --chain {node.url}")
    print("Press Ctrl-C to stop.", flush=True)
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    while not stopped.wait(0.5):
        if not node.running:
            print(f"error: the node exited unexpectedly. {node.stop().sentence()}", file=sys.stderr)
            return 1
    report = node.stop()
    print("Node stopped. " + report.sentence(), flush=True)
    return 0 if report.saved or not args.state else 1


def _cmd_compile(args: argparse.Namespace) -> int:
    result = compile_contracts(use_cache=not args.no_cache)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    if args.check:
        stale = [name for name, art in result.artifacts.items()
                 if not artifact_path(name).exists()
                 or json.loads(artifact_path(name).read_text()) != json.loads(json.dumps(art.to_json()))]
        if stale:
            print(f"error: committed artifacts are out of date for {', '.join(stale)}: "
                  f"run `make compile` and commit contracts/*.json", file=sys.stderr)
            return 1
        print(f"artifacts up to date ({result.compiler_version}, {result.backend})")
        return 0
    for path in write_artifacts(result):
        print(f"wrote {path} ({result.compiler_version}, {result.backend}"
              f"{', cached' if result.from_cache else ''})")
    return 0


def _cmd_app(args: argparse.Namespace) -> int:
    from .app.server import AppServer  # noqa: PLC0415 - Voila's launcher and ipywidgets load only for `app`

    # The class chain lives in a state file, so it survives restarts (anvil only).
    state = args.state if args.state is not None else (APP_STATE_FILE if args.chain == "anvil" else None)
    server = AppServer(target=args.chain, port=args.port, state_file=state)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    print("Starting the web app: the chain, the contract, then Voila ...", flush=True)
    server.start()  # a Ctrl-C here stops whatever had started
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    status = 0
    try:
        print(server.describe())
        print("Press Ctrl-C to stop.", flush=True)
        if args.browser:
            import webbrowser  # noqa: PLC0415 - only with --browser

            webbrowser.open(server.urls.side_by_side)
        status = wait_until_stopped(stopped, server.problem)
    finally:
        node = getattr(server.chain, "process", None)  # None for a URL node: it keeps running
        server.stop()
    report = node.stop() if isinstance(node, AnvilProcess) else None  # stopped already: the report
    print("Stopped Voila" + (f" and the node. {report.sentence()}" if report else "."), flush=True)
    return status


def _account_count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_ACCOUNTS:
        raise argparse.ArgumentTypeError(f"give a whole number from 1 to {MAX_ACCOUNTS}, not {text!r}")
    return int(text)


def _cmd_slither(args: argparse.Namespace) -> int:
    findings = slither.run_slither(slither.committed_sources())
    for f in findings:
        print(f"  {f.contract:<16} {f.impact:<13} {f.check:<20} {f.element} (line {f.lines})")
    print(f"{len(findings)} finding(s) in {', '.join(slither.CONTRACTS)}.")
    if args.check:
        if findings != slither.load_findings():
            print(f"error: {slither.FINDINGS_FILE} is stale: run `python -m grid slither` to rewrite it",
                  file=sys.stderr)
            return 1
        print(f"{slither.FINDINGS_FILE} is up to date.")
        return 0
    print(f"wrote {slither.write_findings(findings)}")
    return 0


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"give a port from 1 to 65535 (0 = any free port), not {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for `python -m grid`."""
    parser = argparse.ArgumentParser(prog="python -m grid", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="replay the thesis's section 5.2.2 step by step")
    demo.add_argument("--chain", default="tester",
                      help="tester (default, in process), anvil, geth, or an http(s):// node URL")
    demo.set_defaults(run=_cmd_demo)

    node = sub.add_parser("node", help="run the private chain (anvil, chainId 666) in the foreground")
    node.add_argument("--state", default=None, help="state file: the chain survives restarts")
    node.add_argument("--port", type=_port, default=8545, help="RPC port (default 8545; 0 = any free port)")
    node.add_argument("--host", default="127.0.0.1",
                      help="address to listen on (0.0.0.0 to share with a classroom network)")
    node.add_argument("--accounts", type=_account_count, default=10,
                      help="funded, unlocked accounts (default 10, at most 1000)")
    node.set_defaults(run=_cmd_node)

    comp = sub.add_parser("compile", help="compile contracts/*.sol and write the artifacts")
    comp.add_argument("--check", action="store_true", help="only check the committed artifacts are fresh")
    comp.add_argument("--no-cache", action="store_true", help="ignore the compile cache")
    comp.set_defaults(run=_cmd_compile)

    app = sub.add_parser("app", help="serve the manager and user platforms as web pages (Voila)")
    app.add_argument("--chain", default="anvil",
                     help="anvil (default: start the class chain) or the http(s):// URL of a running node")
    app.add_argument("--port", type=_port, default=8866, help="web port (default 8866; 0 = any free port)")
    app.add_argument("--state", default=None,
                     help="anvil state file, so the class chain survives restarts "
                          f"(default {APP_STATE_FILE})")
    app.add_argument("--browser", action=argparse.BooleanOptionalAction, default=False,
                     help="open the side-by-side page in this machine's browser (default: --no-browser)")
    app.set_defaults(run=_cmd_app)

    classroom = sub.add_parser("class", help="a class on the LAN: a page per student, the teacher's pages")
    class_cli.add_arguments(classroom)
    classroom.set_defaults(run=class_cli.main)
    load = sub.add_parser("class-load", help="30 simulated students open their pages and bid at once: "
                                             "page times, click to update, failures, memory")
    class_cli.add_load_arguments(load)
    load.set_defaults(run=class_cli.load_main)

    lint = sub.add_parser("slither", help="run Slither on the contracts and rewrite data/security/")
    lint.add_argument("--check", action="store_true", help="only check the committed findings are fresh")
    lint.set_defaults(run=_cmd_slither)

    bench = sub.add_parser("bench", help="reproduce the thesis's chapter 6 timings, against the node's floor")
    bench_cli.add_arguments(bench)
    bench.set_defaults(run=bench_cli.main)

    simulate = sub.add_parser("simulate",
                              help="one day on a low-voltage feeder: market, power flow, dispatch")
    simulation_cli.add_arguments(simulate)
    simulate.set_defaults(run=simulation_cli.main)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except GridError as exc:
        print(f"error: {exc}", file=sys.stderr)
        for line in exc.details:
            print(line, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
