"""`python -m grid class`: run a class session until Ctrl-C."""
from __future__ import annotations

import argparse
import logging
import signal
import threading
from pathlib import Path

from ..chain import AnvilProcess
from ..serving import wait_until_stopped
from .provision import MAX_STUDENTS
from .session import DEFAULT_PORT, DEFAULT_STUDENTS, POOL_SIZE, ClassSession

DEFAULT_OUT = "class"


def _students(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_STUDENTS:
        raise argparse.ArgumentTypeError(f"give a whole number of students from 1 to {MAX_STUDENTS}, "
                                         f"not {text!r}")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"give a port from 1 to 65535 (0 = any free port), not {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `python -m grid class`."""
    parser.add_argument("--students", type=_students, default=DEFAULT_STUDENTS,
                        help=f"how many students (default {DEFAULT_STUDENTS})")
    parser.add_argument("--out", default=DEFAULT_OUT,
                        help=f"the class folder: roster.csv, roster.html, class.json, the chain's state "
                             f"(default ./{DEFAULT_OUT})")
    parser.add_argument("--host", default="0.0.0.0",
                        help="address to listen on (default 0.0.0.0: the classroom network; 127.0.0.1: this "
                             "machine only)")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT,
                        help=f"web port (default {DEFAULT_PORT}; 0 = any free port)")
    parser.add_argument("--chain", default="anvil",
                        help="anvil (default: the class chain, kept in the class folder) or a node's "
                             "http(s):// URL")
    parser.add_argument("--reset", action="store_true",
                        help="set the class up afresh: new contracts and new links (the old links stop "
                             "working)")


def main(args: argparse.Namespace) -> int:
    """Start the class, print the teacher's link and the roster, serve until Ctrl-C or SIGTERM."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("tornado.access").setLevel(logging.ERROR)
    folder = Path(args.out)
    session = ClassSession(folder, students=args.students, host=args.host, port=args.port,
                           chain_target=args.chain, reset=args.reset)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    print(f"Starting the class: the chain, {args.students} students' accounts, Voila, the web server ...",
          flush=True)
    session.start()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    status = 0
    try:
        print(session.describe())
        for member in session.roster.students:
            print(f"  {member.name}: {member.link(session.base_url)}")
        print("Press Ctrl-C to end the class (the chain is kept; start again to resume).", flush=True)
        status = wait_until_stopped(stopped, session.problem)
    finally:
        node = getattr(session.chain, "process", None)
        session.stop()
    report = node.stop() if isinstance(node, AnvilProcess) else None
    print("Class ended" + (f". {report.sentence()}" if report else "."), flush=True)
    return status


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `python -m grid class-load`."""
    parser.add_argument("--students", type=_students, default=DEFAULT_STUDENTS,
                        help=f"simulated students opening their pages at once (default {DEFAULT_STUDENTS})")
    parser.add_argument("--student-pool", type=int, default=None, metavar="N",
                        help="pre-started kernels kept for the student page (default: the class's pool of "
                             f"{POOL_SIZE})")


def load_main(args: argparse.Namespace) -> int:
    """Run the class load test on loopback and print what it measured; exit 1 on any failed action."""
    from .load import run_load  # noqa: PLC0415 - psutil and the page client load only for this command

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("tornado.access").setLevel(logging.ERROR)
    print(f"Starting a class of {args.students} on this machine, then opening every page at once ...",
          flush=True)
    report = run_load(args.students, student_pool=args.student_pool)
    print("\n".join(report.lines()), flush=True)
    return 1 if report.failures else 0
