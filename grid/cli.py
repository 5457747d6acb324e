"""Command line: `python -m grid demo | node | compile`.

Every GridError is printed as one sentence on stderr (exit status 2), and
argparse reports bad options the same way, so a student sees no traceback for
any failure the toolkit anticipates.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from .errors import GridError


def _cmd_demo(args: argparse.Namespace) -> int:
    from .chain import connect
    from .demo import run_scenario

    with connect(args.chain) as chain:
        print(f"Replaying thesis section 5.2.2 on {chain!r}")
        result = run_scenario(chain)
    print(f"\nDone: GetGeneration {result.generation_after_generate}, "
          f"GetTotalGeneration {result.total_generation}, "
          f"consumer1 read dispatch {result.dispatch_received!r}.")
    return 0


def _cmd_node(args: argparse.Namespace) -> int:
    from .chain.anvil import AnvilProcess, THESIS_CHAIN_ID
    from .accounts import Accounts

    node = AnvilProcess.start(accounts=args.accounts, state_file=args.state,
                              port=args.port, host=args.host)
    print(f"GridChain private chain (anvil, chainId {THESIS_CHAIN_ID}) is running.")
    print(f"RPC URL: {node.url}")
    if args.state:
        print(f"State file: {node.state_file} (saved when you stop the node)")
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
            print("error: the node exited unexpectedly", file=sys.stderr)
            return 1
    node.stop()
    print("Node stopped." + (f" State saved to {node.state_file}." if args.state else ""), flush=True)
    return 0


def _cmd_compile(args: argparse.Namespace) -> int:
    import json

    from .compiler import artifact_path, compile_contracts, write_artifacts

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


def _account_count(text: str) -> int:
    from .chain.base import MAX_ACCOUNTS

    if not text.isdigit() or not 1 <= int(text) <= MAX_ACCOUNTS:
        raise argparse.ArgumentTypeError(f"give a whole number from 1 to {MAX_ACCOUNTS}, not {text!r}")
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
    node.add_argument("--port", type=int, default=8545, help="RPC port (default 8545; 0 = any free port)")
    node.add_argument("--host", default="127.0.0.1",
                      help="address to listen on (0.0.0.0 to share with a classroom network)")
    node.add_argument("--accounts", type=_account_count, default=10,
                      help="funded, unlocked accounts (default 10, at most 1000)")
    node.set_defaults(run=_cmd_node)

    comp = sub.add_parser("compile", help="compile contracts/*.sol and write the artifacts")
    comp.add_argument("--check", action="store_true", help="only check the committed artifacts are fresh")
    comp.add_argument("--no-cache", action="store_true", help="ignore the compile cache")
    comp.set_defaults(run=_cmd_compile)
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
