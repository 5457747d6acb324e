"""`truffle migrate` for the toolkit: deploy once, record where, reuse afterwards.

    migration = migrate(chain)           # deploys, writes .cache/deployments/PowerGeneration.json
    migration = migrate(chain)           # same chain: reuses the recorded contract
    print(migration.summary())
    client = migration.client            # a PowerGridClient on the (new or reused) contract

The record is Truffle-shaped JSON, one entry per chain id (thesis section 5.4):

    {"contractName": "PowerGeneration",
     "networks": {"666": {"address": "0x..", "transactionHash": "0x..", "blockNumber": 1,
                          "deployer": "0x..", "codeHash": "0x..", "compilerVersion": "0.8.37+..."}}}

A recorded address is reused only when the chain has code there whose keccak256
equals that of the artifact's runtime bytecode: a chain id is no proof of
identity (tester, anvil and the thesis's geth all say 666, and an anvil
restarted without its state file is empty), the code is. `reset=True` always
redeploys, like `truffle migrate --reset`.

The record folder is `.cache/deployments` in the repository, or
`$GRIDCHAIN_CACHE_DIR/deployments` when that variable is set (the variable
that also moves the compiler's cache, grid/compiler.py).
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils import is_address, keccak, to_checksum_address

from .chain import Chain
from .compiler import CACHE_ENV, REPO_ROOT, Artifact, load_artifact
from .errors import GridError
from .powergrid import CONTRACT_NAME, PowerGridClient

DEFAULT_RECORD_DIR = REPO_ROOT / ".cache" / "deployments"
NETWORK_FIELDS = ("address", "transactionHash", "blockNumber", "deployer", "codeHash", "compilerVersion")


def record_dir() -> Path:
    """The folder of deployment records: $GRIDCHAIN_CACHE_DIR/deployments, else DEFAULT_RECORD_DIR."""
    override = os.environ.get(CACHE_ENV, "").strip()
    return Path(override) / "deployments" if override else DEFAULT_RECORD_DIR


def default_record_path(contract_name: str = CONTRACT_NAME) -> Path:
    """Where `migrate()` keeps the record of `contract_name` when no path is given."""
    return record_dir() / f"{contract_name}.json"


def code_hash(code: bytes | str) -> str:
    """keccak256 of runtime bytecode (bytes or 0x-hex), as 0x-hex: the code's fingerprint."""
    if isinstance(code, str):
        code = bytes.fromhex(code[2:] if code.startswith("0x") else code)
    return "0x" + keccak(bytes(code)).hex()


@dataclass(frozen=True)
class Deployment:
    """One network entry of a deployment record: where and how the contract was deployed."""

    contract_name: str
    address: str
    chain_id: int
    transaction_hash: str
    block_number: int
    deployer: str            # the deployer's address
    code_hash: str           # keccak256 of the runtime code, 0x-hex
    compiler_version: str

    def to_network_entry(self) -> dict:
        """The record's JSON for this deployment (Truffle's `networks[chainId]` plus our fields)."""
        return {"address": self.address, "transactionHash": self.transaction_hash,
                "blockNumber": self.block_number, "deployer": self.deployer,
                "codeHash": self.code_hash, "compilerVersion": self.compiler_version}


@dataclass(frozen=True)
class Migration:
    """What `migrate()` did: the client, the deployment it uses, and whether it was reused."""

    client: PowerGridClient
    deployment: Deployment
    reused: bool
    record_path: Path
    reason: str = ""         # why it deployed (or why reuse was safe), in one sentence

    def summary(self) -> str:
        """Truffle-like lines saying what happened."""
        d = self.deployment
        chain = self.client.chain
        lines = [f"Network: {chain.target} (chainId {d.chain_id})"]
        if self.reused:
            lines += [f"Reusing {d.contract_name} at {d.address} (deployed in block {d.block_number})",
                      f"  ... {self.reason}"]
        else:
            deployer = _account_name(chain, d.deployer)
            lines += [f"Deploying {d.contract_name}... ({self.reason})",
                      f"  ... {d.transaction_hash}",
                      f"  {d.contract_name}: {d.address}",
                      f"  block {d.block_number}, deployed by {deployer}",
                      "Saving successful migration to network...",
                      f"  ... {self.record_path}"]
        return "\n".join(lines)


# ------------------------------------------------------------------ the record
def _bad_record(path: Path, why: str) -> GridError:
    return GridError(f"the deployment record {path} {why}: delete the file or pass reset=True "
                     f"to deploy afresh", kind="input")


def _unwritable(path: Path, why: str) -> GridError:
    return GridError(f"cannot write the deployment record {path} ({why}): pass a record_path "
                     f"in a folder you can write to", kind="input")


def read_record(record_path: str | os.PathLike) -> dict | None:
    """The whole record as a dict, None when the file does not exist; a GridError when unreadable."""
    path = Path(record_path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise _bad_record(path, "is a folder, not a file") from None
    except NotADirectoryError:
        raise _unwritable(path, "a part of its folder path is a file") from None
    except OSError as exc:
        raise _bad_record(path, f"cannot be read ({exc.strerror})") from None
    try:
        record = json.loads(text)
    except ValueError:
        raise _bad_record(path, "is not JSON") from None
    if not isinstance(record, dict) or not isinstance(record.get("contractName"), str) \
            or not isinstance(record.get("networks"), dict):
        raise _bad_record(path, 'is not a Truffle-shaped record ({"contractName": .., "networks": {..}})')
    return record


def _deployment_from_entry(path: Path, contract_name: str, chain_id: str, entry: Any) -> Deployment:
    if not isinstance(entry, dict) or not set(NETWORK_FIELDS) <= entry.keys():
        raise _bad_record(path, f"has an entry for chainId {chain_id} without the fields "
                                f"{', '.join(NETWORK_FIELDS)}")
    address, block = entry["address"], entry["blockNumber"]
    if not isinstance(address, str) or not is_address(address):
        raise _bad_record(path, f"has an address for chainId {chain_id} that is not an address ({address!r})")
    if not isinstance(block, int) or isinstance(block, bool) or block < 0:
        raise _bad_record(path, f"has a block number for chainId {chain_id} that is not a whole number")
    texts = ("transactionHash", "deployer", "codeHash", "compilerVersion")
    if not all(isinstance(entry[k], str) for k in texts):
        raise _bad_record(path, f"has an entry for chainId {chain_id} whose hashes are not text")
    return Deployment(contract_name=contract_name, address=to_checksum_address(address),
                      chain_id=int(chain_id), transaction_hash=entry["transactionHash"],
                      block_number=block, deployer=entry["deployer"], code_hash=entry["codeHash"],
                      compiler_version=entry["compilerVersion"])


def load_deployment(record_path: str | os.PathLike, chain_id: int) -> Deployment | None:
    """The deployment recorded for `chain_id`, or None (no file, or no entry for that chain).

    A file that is not a valid record raises one GridError sentence saying to
    delete it or to pass reset=True.
    """
    path = Path(record_path)
    record = read_record(path)
    if record is None:
        return None
    entry = record["networks"].get(str(int(chain_id)))
    if entry is None:
        return None
    return _deployment_from_entry(path, record["contractName"], str(int(chain_id)), entry)


def write_deployment(record_path: str | os.PathLike, deployment: Deployment, *,
                     keep_others: bool = True) -> Path:
    """Add or replace `deployment`'s network entry, writing the file atomically (tmp + rename)."""
    path = Path(record_path)
    record = read_record(path) if keep_others else None
    if record is None or record["contractName"] != deployment.contract_name:
        record = {"contractName": deployment.contract_name, "networks": {}}
    record["networks"][str(deployment.chain_id)] = deployment.to_network_entry()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A unique temp file in the same folder, then rename: a reader (another
        # kernel, the web app) never sees half a record.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w") as handle:
            handle.write(json.dumps(record, indent=2) + "\n")
        os.replace(tmp, path)
    except OSError as exc:
        raise _unwritable(path, exc.strerror or type(exc).__name__) from None
    return path


# ---------------------------------------------------------------- migrating
def check_deployment(chain: Chain, deployment: Deployment, artifact: Artifact) -> str | None:
    """None when `chain` runs `artifact`'s code at the recorded address, else why not (one sentence)."""
    expected = code_hash(artifact.deployed_bytecode)
    if deployment.code_hash.lower() != expected.lower():
        return (f"the recorded code hash {deployment.code_hash[:10]}... is not the artifact's "
                f"{expected[:10]}...: the contract was recompiled since")
    code = chain.code_at(deployment.address)
    if not code:
        return (f"there is no code at {deployment.address} on this chain: a fresh node, or "
                f"anvil restarted without its state file")
    if code_hash(code).lower() != expected.lower():
        return (f"the code at {deployment.address} is not {artifact.contract_name}'s: another chain "
                f"with chainId {chain.chain_id}")
    return None


def migrate(chain: Chain, record_path: str | os.PathLike | None = None, *, artifact: Artifact | None = None,
            deployer: str = "admin", reset: bool = False, **client_kwargs: Any) -> Migration:
    """Deploy the contract unless the record shows it already runs on `chain`; record it.

    Reuses the recorded address only when the chain's code there hashes to
    the artifact's runtime bytecode; `reset=True` always deploys afresh
    (truffle migrate --reset). Extra keyword arguments go to PowerGridClient
    (account=, log=, preflight=).
    """
    artifact = artifact or load_artifact(CONTRACT_NAME)
    path = Path(record_path) if record_path is not None else default_record_path(artifact.contract_name)
    _ensure_folder(path)  # fail before deploying, not after
    # Two kernels (the web app's pages) migrating at once must not both deploy:
    # the second waits, then finds the first one's record.
    with _record_lock(path):
        return _migrate_locked(chain, path, artifact, deployer, reset, client_kwargs)


def _migrate_locked(chain: Chain, path: Path, artifact: Artifact, deployer: str, reset: bool,
                    client_kwargs: dict) -> Migration:
    account = client_kwargs.pop("account", None)
    reason = "reset=True: deploying afresh, as truffle migrate --reset does"
    if not reset:
        previous = _previous_deployment(path, chain.chain_id, artifact)
        if isinstance(previous, Deployment):
            why_not = check_deployment(chain, previous, artifact)
            if why_not is None:
                client = PowerGridClient(chain, previous.address, artifact=artifact,
                                         account=account or deployer, **client_kwargs)
                return Migration(client, previous, True, path,
                                 f"the code at {previous.address} matches the artifact "
                                 f"(code hash {previous.code_hash[:10]}...)")
            reason = why_not
        else:
            reason = previous
    client = PowerGridClient.deploy(chain, deployer=deployer, artifact=artifact, **client_kwargs)
    constructor = next(e for e in reversed(client.log.transactions)
                       if e.function == "(constructor)" and e.contract == client.address)
    deployment = Deployment(
        contract_name=artifact.contract_name, address=client.address, chain_id=chain.chain_id,
        transaction_hash=constructor.tx_hash, block_number=constructor.block_number,
        deployer=chain.account(deployer).address, code_hash=code_hash(chain.code_at(client.address)),
        compiler_version=artifact.compiler_version)
    write_deployment(path, deployment, keep_others=not reset or _readable(path))
    if account is not None:
        client = client.using(account)
    return Migration(client, deployment, False, path, reason)


def _previous_deployment(path: Path, chain_id: int, artifact: Artifact) -> Deployment | str:
    """The recorded deployment for `chain_id`, or a sentence saying why there is none."""
    record = read_record(path)
    if record is None:
        return f"no deployment record yet at {path.name}"
    if record["contractName"] != artifact.contract_name:
        raise _bad_record(path, f"is for contract {record['contractName']}, not {artifact.contract_name}")
    if str(chain_id) not in record["networks"]:
        return f"no deployment recorded for chainId {chain_id}"
    return _deployment_from_entry(path, record["contractName"], str(chain_id),
                                  record["networks"][str(chain_id)])


@contextlib.contextmanager
def _record_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `<record>.lock` across processes (POSIX; elsewhere none)."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # Windows: no cross-process lock, the atomic write still holds
        yield
        return
    with contextlib.ExitStack() as stack:
        try:
            handle = stack.enter_context(open(path.with_name(f".{path.name}.lock"), "a"))
        except OSError as exc:
            raise _unwritable(path, exc.strerror or type(exc).__name__) from None
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ensure_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(path, exc.strerror or type(exc).__name__) from None


def _readable(path: Path) -> bool:
    # With reset=True a broken record is replaced, not merged.
    try:
        read_record(path)
        return True
    except GridError:
        return False


def _account_name(chain: Chain, address: str) -> str:
    return chain.account(address).name if address in chain.accounts else address
