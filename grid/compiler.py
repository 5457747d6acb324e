"""Compile contracts/*.sol offline with a pinned solc, from standard-JSON input.

Two backends, tried in order, neither of which ever downloads anything:
  1. a native `solc` 0.8.37 ($SOLC_BINARY, else `solc` on PATH), via py-solc-x;
  2. solcjs 0.8.37 from node_modules (the npm `solc` package), via a small
     node script (grid/solcjs_compile.js).
Outputs are cached on disk, keyed by compiler version + the exact input, and
written as Hardhat/Truffle-shaped artifacts that are committed under
contracts/ so the lab runs even where node is missing.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .errors import GridError

SOLC_VERSION = "0.8.37"
# solc 0.8.37 defaults to "osaka"; py-evm 0.12 (eth-tester) stops at prague.
EVM_VERSION = "prague"
OPTIMIZER = {"enabled": False, "runs": 200}
OUTPUT_SELECTION = [
    "abi",
    "evm.bytecode.object",
    "evm.deployedBytecode.object",
    "evm.methodIdentifiers",
    "storageLayout",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
CONTRACTS_DIR = REPO_ROOT / "contracts"
CACHE_ENV = "GRIDCHAIN_CACHE_DIR"
NODE_SCRIPT = Path(__file__).with_name("solcjs_compile.js")
ARTIFACT_FORMAT = "hh-sol-artifact-1"


class CompileError(GridError):
    """solc rejected the source; `details` holds solc's formatted messages."""

    def __init__(self, message: str, details: list[str] | None = None, *, output: dict | None = None,
                 messages: list | None = None) -> None:
        super().__init__(message, kind="compile", details=details)
        self.output = output               # solc's whole standard-JSON output, when it ran
        self.messages = list(messages or [])   # SolcMessages with line:column (compile_source)


# --------------------------------------------------------------------- backends
class SolcBackend(Protocol):
    name: str

    def cache_id(self) -> str:
        """A string that changes whenever the compiler's output could change."""

    def compile(self, standard_input: dict, base_dir: Path) -> tuple[dict, str]:
        """Return (standard-JSON output, full compiler version)."""


@dataclass
class NativeSolc:
    """A native solc binary, driven through py-solc-x (which never downloads here)."""

    path: str
    version: str = ""
    name: str = "native solc"

    def __post_init__(self) -> None:
        if not self.version:
            self.version = native_solc_version(self.path)

    def cache_id(self) -> str:
        return f"native:{self.version}"

    def compile(self, standard_input: dict, base_dir: Path) -> tuple[dict, str]:
        import solcx  # noqa: PLC0415 - py-solc-x loads only for a native solc (solcjs is the default)
        from solcx.exceptions import SolcError  # noqa: PLC0415 - with solcx, for a native solc only

        try:
            output = solcx.compile_standard(
                standard_input, solc_binary=self.path,
                base_path=str(base_dir), allow_paths=[str(base_dir)])
        except SolcError as exc:
            # compile_standard raises on errors; the JSON it parsed is attached.
            output = getattr(exc, "stdout_data", None)
            output = json.loads(output) if output else {"errors": [
                {"severity": "error", "formattedMessage": str(exc).strip()}]}
        return output, self.version


@dataclass
class SolcJS:
    """solcjs from node_modules, run by node through grid/solcjs_compile.js."""

    node: str
    module_dir: Path
    name: str = "solcjs"

    @property
    def package_version(self) -> str:
        return json.loads((self.module_dir / "package.json").read_text())["version"]

    def cache_id(self) -> str:
        return f"solcjs:{self.package_version}"

    def compile(self, standard_input: dict, base_dir: Path) -> tuple[dict, str]:
        request = json.dumps({"input": standard_input, "baseDir": str(base_dir)})
        env = dict(os.environ, NODE_PATH=str(self.module_dir.parent))
        try:
            proc = subprocess.run([self.node, str(NODE_SCRIPT)], input=request,
                                  capture_output=True, text=True, env=env, timeout=300)
        except subprocess.TimeoutExpired:
            raise CompileError("solcjs took over 300 s: is the machine overloaded? try again") from None
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise CompileError(f"solcjs failed to run ({last}): run `make setup` to reinstall node_modules")
        try:
            reply = json.loads(proc.stdout)
            return reply["output"], reply["version"]
        except (ValueError, KeyError, TypeError):
            raise CompileError("solcjs printed something that is not its JSON output: "
                               "run `make setup` to reinstall node_modules") from None


def native_solc_version(path: str) -> str:
    """Return the full version of a native solc, e.g. '0.8.37+commit.f401782d'."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError as exc:
        raise CompileError(f"cannot run the solc at {path} ({exc.strerror}): "
                           "fix SOLC_BINARY or unset it") from None
    match = re.search(r"Version:\s*(\d+\.\d+\.\d+\+commit\.[0-9a-f]+)", out)
    if not match:
        raise CompileError(f"{path} did not report a solc version: is SOLC_BINARY a solc binary?")
    return match.group(1)


def find_backend() -> SolcBackend:
    """Pick the compiler: $SOLC_BINARY, a matching solc on PATH, else solcjs."""
    explicit = os.environ.get("SOLC_BINARY", "").strip()
    if explicit:
        backend = NativeSolc(explicit)
        if not backend.version.startswith(SOLC_VERSION + "+"):
            raise CompileError(
                f"SOLC_BINARY is solc {backend.version}, but the contracts pin {SOLC_VERSION}: "
                f"point it at solc {SOLC_VERSION} or unset it to use solcjs")
        return backend
    on_path = shutil.which("solc")
    if on_path:
        try:
            backend = NativeSolc(on_path)
            if backend.version.startswith(SOLC_VERSION + "+"):
                return backend
        except CompileError:
            pass  # an unusable solc on PATH: fall through to solcjs
    node = shutil.which("node")
    module_dir = REPO_ROOT / "node_modules" / "solc"
    if node and (module_dir / "package.json").exists():
        backend = SolcJS(node, module_dir)
        if backend.package_version == SOLC_VERSION:
            return backend
    raise CompileError(
        f"no Solidity compiler {SOLC_VERSION} found: run `make setup` (installs solcjs into "
        f"node_modules; needs node and npm) or set SOLC_BINARY to a native solc {SOLC_VERSION}. "
        f"The committed artifacts in contracts/ work without a compiler.")


# ---------------------------------------------------------------- compilation
@dataclass(frozen=True)
class Artifact:
    """One compiled contract, in the shape Hardhat and Truffle artifacts use."""

    contract_name: str
    source_name: str
    abi: list[dict]
    bytecode: str           # 0x-hex creation code
    deployed_bytecode: str  # 0x-hex runtime code
    compiler_version: str
    settings: dict
    method_identifiers: dict[str, str] = field(default_factory=dict)
    storage_layout: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The committed JSON form (Hardhat's fields plus Truffle's `compiler`)."""
        return {
            "_format": ARTIFACT_FORMAT,
            "contractName": self.contract_name,
            "sourceName": self.source_name,
            "abi": self.abi,
            "bytecode": self.bytecode,
            "deployedBytecode": self.deployed_bytecode,
            "linkReferences": {},
            "deployedLinkReferences": {},
            "compiler": {"name": "solc", "version": self.compiler_version, "settings": self.settings},
            "methodIdentifiers": self.method_identifiers,
            "storageLayout": self.storage_layout,
        }

    @classmethod
    def from_json(cls, data: dict) -> Artifact:
        """Read an artifact written by `to_json` (or a compatible Hardhat one)."""
        compiler = data.get("compiler", {})
        return cls(
            contract_name=data["contractName"],
            source_name=data.get("sourceName", ""),
            abi=data["abi"],
            bytecode=data["bytecode"],
            deployed_bytecode=data.get("deployedBytecode", ""),
            compiler_version=compiler.get("version", ""),
            settings=compiler.get("settings", {}),
            method_identifiers=data.get("methodIdentifiers", {}),
            storage_layout=data.get("storageLayout", {}),
        )


@dataclass
class CompileResult:
    """What a compile produced: artifacts by contract name, plus solc's warnings."""

    artifacts: dict[str, Artifact]
    warnings: list[str]
    compiler_version: str
    backend: str
    from_cache: bool


def settings() -> dict:
    """The pinned compiler settings (part of every cache key and artifact)."""
    return {"evmVersion": EVM_VERSION, "optimizer": dict(OPTIMIZER),
            "outputSelection": {"*": {"*": list(OUTPUT_SELECTION)}}}


def standard_input(sources: dict[str, str]) -> dict:
    """Build solc's standard-JSON input for {source name: Solidity text}."""
    return {"language": "Solidity",
            "sources": {name: {"content": text} for name, text in sorted(sources.items())},
            "settings": settings()}


def cache_dir() -> Path:
    """Where compile outputs are cached ($GRIDCHAIN_CACHE_DIR or .cache/solc)."""
    return Path(os.environ.get(CACHE_ENV) or REPO_ROOT / ".cache" / "solc")


def cache_key(backend: SolcBackend, std_input: dict, base_dir: Path | None = None) -> str:
    """sha256 over the compiler identity, the canonical input JSON and importable files.

    Files an import could pull from `base_dir` (*.sol below it) are hashed
    too, so editing an imported file is a cache miss.
    """
    digest = hashlib.sha256(backend.cache_id().encode() + b"\n")
    digest.update(json.dumps(std_input, sort_keys=True, separators=(",", ":")).encode())
    if base_dir is not None and Path(base_dir).is_dir():
        for path in sorted(Path(base_dir).rglob("*.sol")):
            digest.update(b"\n" + str(path.relative_to(base_dir)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def compile_sources(sources: dict[str, str], *, backend: SolcBackend | None = None,
                    base_dir: Path = CONTRACTS_DIR, use_cache: bool = True) -> CompileResult:
    """Compile {source name: text}; raise CompileError with solc's messages on errors."""
    backend = backend or find_backend()
    std_input = standard_input(sources)
    key = cache_key(backend, std_input, base_dir)
    cached = cache_dir() / f"{key}.json"
    entry = _read_cache(cached) if use_cache else None
    from_cache = entry is not None
    if entry is not None:
        output, version = entry["output"], entry["version"]
    else:
        output, version = backend.compile(std_input, base_dir)
        version = _release_version(version)
    errors, warnings = _split_messages(output)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise CompileError(f"solc found {len(errors)} error(s): {_one_line(errors[0])}{more}",
                           details=errors, output=output)
    if use_cache and not from_cache:
        _write_cache(cached, {"version": version, "output": output})
    artifacts = {}
    for source_name, contracts in output.get("contracts", {}).items():
        for name, data in contracts.items():
            artifacts[name] = Artifact(
                contract_name=name, source_name=source_name, abi=data["abi"],
                bytecode="0x" + data["evm"]["bytecode"]["object"],
                deployed_bytecode="0x" + data["evm"]["deployedBytecode"]["object"],
                compiler_version=version, settings=_artifact_settings(),
                method_identifiers=data["evm"].get("methodIdentifiers", {}),
                storage_layout=_strip_ast_ids(data.get("storageLayout", {})))
    return CompileResult(artifacts, warnings, version, backend.name, from_cache)


def compile_contracts(paths: list[Path] | None = None, **kwargs: Any) -> CompileResult:
    """Compile the given .sol files (default: every contracts/*.sol)."""
    paths = sorted(paths or CONTRACTS_DIR.glob("*.sol"))
    if not paths:
        raise CompileError(f"no .sol files found in {CONTRACTS_DIR}")
    sources = {}
    for path in paths:
        try:
            sources[Path(path).name] = Path(path).read_text()
        except OSError as exc:
            raise CompileError(f"cannot read {path} ({exc.strerror}): check the path") from None
    return compile_sources(sources, base_dir=Path(paths[0]).parent, **kwargs)


def artifact_path(contract_name: str, directory: Path = CONTRACTS_DIR) -> Path:
    """Where the committed artifact of `contract_name` lives."""
    return Path(directory) / f"{contract_name}.json"


def write_artifacts(result: CompileResult, directory: Path = CONTRACTS_DIR) -> list[Path]:
    """Write every artifact of `result` as contracts/<Name>.json; return the paths."""
    written = []
    for name, artifact in sorted(result.artifacts.items()):
        path = artifact_path(name, directory)
        path.write_text(json.dumps(artifact.to_json(), indent=2, sort_keys=False) + "\n")
        written.append(path)
    return written


def load_artifact(contract_name: str = "PowerGeneration", directory: Path = CONTRACTS_DIR) -> Artifact:
    """Load a committed artifact (no compiler needed)."""
    path = artifact_path(contract_name, directory)
    try:
        return Artifact.from_json(json.loads(path.read_text()))
    except FileNotFoundError:
        raise GridError(f"no compiled artifact at {path}: run `make compile` to build it",
                        kind="compile") from None


# --------------------------------------------------------------------- helpers
def _read_cache(path: Path) -> dict | None:
    """A cache entry, or None when absent or unreadable (a corrupt entry is a miss)."""
    try:
        entry = json.loads(path.read_text())
        return entry if isinstance(entry, dict) and {"output", "version"} <= entry.keys() else None
    except (OSError, ValueError):
        return None


def _write_cache(path: Path, entry: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(entry))
        tmp.replace(path)  # atomic: a concurrent reader never sees half a file
    except OSError:
        pass  # a read-only checkout still compiles, just without a cache


def _artifact_settings() -> dict:
    # outputSelection says what we asked for, not how the code was built.
    return {k: v for k, v in settings().items() if k != "outputSelection"}


def _release_version(version: str) -> str:
    # '0.8.37+commit.f401782d.Emscripten.clang' (solcjs) and the native
    # '0.8.37+commit.f401782d' are the same compiler: record it one way.
    match = re.match(r"\d+\.\d+\.\d+\+commit\.[0-9a-f]+", version)
    return match.group(0) if match else version


def _split_messages(output: dict) -> tuple[list[str], list[str]]:
    errors, warnings = [], []
    for item in output.get("errors", []):
        text = item.get("formattedMessage") or item.get("message", "")
        (errors if item.get("severity") == "error" else warnings).append(text.rstrip())
    return errors, warnings


_LOCATION = re.compile(r"-->\s*(?P<loc>[^\s]+?):?\s*$", re.M)


def _one_line(formatted: str) -> str:
    """'Kind: message' + ' --> file:line:col:' becomes 'file:line:col: Kind: message'."""
    head = formatted.splitlines()[0] if formatted else ""
    match = _LOCATION.search(formatted)
    return f"{match.group('loc').rstrip(':')}: {head}" if match else head


def _strip_ast_ids(layout: dict) -> dict:
    # astId values are compiler-internal numbering; keep the layout readable.
    if not layout:
        return {}
    storage = [{k: v for k, v in entry.items() if k != "astId"} for entry in layout.get("storage", [])]
    return {"storage": storage, "types": layout.get("types", {})}
