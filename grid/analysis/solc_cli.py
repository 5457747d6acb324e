"""A `solc` command line for tools that expect one (Slither, through crytic-compile).

Only the two forms such tools use are answered, from the toolkit's own
compiler (native solc or solcjs, grid.compiler.find_backend), offline:

    solc --version
    solc --standard-json [--allow-paths DIR]     # standard JSON on stdin and stdout

Sources given by `urls` are read from disk, relative to the working
directory, because solcjs has no file system of its own.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from ..compiler import CompileError, find_backend

EMPTY_INPUT = {"language": "Solidity", "sources": {}}   # compiles nothing; the reply names the version
VERSION_BANNER = "solc, the solidity compiler commandline interface\nVersion: {version}\n"


def inline_sources(standard_input: dict, base_dir: Path) -> dict:
    """The input with every `urls` source replaced by its file's `content`."""
    sources = {}
    for name, source in standard_input.get("sources", {}).items():
        if "content" not in source and source.get("urls"):
            path = Path(source["urls"][0])
            source = {"content": (path if path.is_absolute() else base_dir / path).read_text()}
        sources[name] = source
    return {**standard_input, "sources": sources}


def _release(version: str) -> str:
    # solcjs says "0.8.37+commit.f401782d.Emscripten.clang"; tools parse the native form
    match = re.match(r"\d+\.\d+\.\d+\+commit\.[0-9a-f]+", version)
    return match.group(0) if match else version


def main(argv: list[str] | None = None) -> int:
    """Answer `--version` or `--standard-json`; anything else is refused with exit code 2."""
    args = sys.argv[1:] if argv is None else argv
    try:
        backend = find_backend()
        if "--version" in args:
            version = getattr(backend, "version", "") or _release(backend.compile(EMPTY_INPUT, Path.cwd())[1])
            sys.stdout.write(VERSION_BANNER.format(version=version))
            return 0
        if "--standard-json" in args:
            base_dir = Path(args[args.index("--allow-paths") + 1]) if "--allow-paths" in args else Path.cwd()
            request = inline_sources(json.loads(sys.stdin.read()), Path.cwd())
            output, _ = backend.compile(request, base_dir.resolve())
            sys.stdout.write(json.dumps(output))
            return 0
    except CompileError as exc:
        sys.stderr.write(f"{exc.message}\n")
        return 1
    sys.stderr.write("this solc stand-in answers only --version and --standard-json\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
