"""What a bench run measures: chains, the two grids, repeats, and the quick preset."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..chain.anvil import HARDFORKS, LONG_CHAIN_HARDFORK
from ..errors import GridError

DEFAULT_CHAINS = ("tester", "anvil")
DEFAULT_OUT = Path("bench-results")
# The thesis's grids (Tables 6.1 and 6.2), each extended one step further.
FULL_BLOCKS = (0, 10, 100, 1000, 10000)
FULL_USERS = (10, 50, 100, 1000, 10000)
FIXED_USERS = 100    # Table 6.1: 100 users
FIXED_BLOCKS = 100   # Table 6.2: 100 blocks
REPEATS = 100        # "Each function is tested 100 times" (section 6.1)


@dataclass(frozen=True)
class BenchOptions:
    """Everything a run depends on; `quick_options()` and `full_options()` are the presets."""

    chains: tuple[str, ...] = DEFAULT_CHAINS
    blocks: tuple[int, ...] = FULL_BLOCKS        # the blocks grid, at `fixed_users` users
    users: tuple[int, ...] = FULL_USERS          # the users grid, at `fixed_blocks` blocks
    fixed_users: int = FIXED_USERS
    fixed_blocks: int = FIXED_BLOCKS
    repeats: int = REPEATS                       # timings per function per cell
    load_requests: int = 1000                    # transactions in each cell's concurrent phase
    max_in_flight: int = 32                      # virtual users with a request in flight at once
    web3_baseline: bool = True
    out: Path | None = DEFAULT_OUT               # None: no files
    charts: bool = True
    progress: bool = True
    quick: bool = False
    # Cancun keeps anvil flat in blocks (grid/chain/anvil.py); None runs anvil's default, Prague.
    anvil_hardfork: str | None = LONG_CHAIN_HARDFORK

    def checked(self) -> BenchOptions:
        """These options, or a GridError with one sentence saying what is wrong."""
        if not self.chains:
            raise GridError("give at least one chain: --chain tester, --chain anvil or --chain URL",
                            kind="input")
        for chain in self.chains:
            if not isinstance(chain, str) or not (chain in ("tester", "anvil")
                                                  or chain.startswith(("http://", "https://"))):
                raise GridError(f"the bench runs on tester, anvil or an http(s):// node URL, not {chain!r}",
                                kind="input")
        for name in ("repeats", "load_requests", "max_in_flight", "fixed_users"):
            value = getattr(self, name)
            least = 2 if name == "repeats" else 1
            if not isinstance(value, int) or isinstance(value, bool) or value < least:
                raise GridError(f"{name.replace('_', ' ')} must be a whole number of at least {least}, "
                                f"not {value!r}", kind="input")
        if self.anvil_hardfork is not None and self.anvil_hardfork not in HARDFORKS:
            raise GridError(f"the anvil hardfork must be one of {', '.join(HARDFORKS)}, "
                            f"not {self.anvil_hardfork!r}", kind="input")
        if not self.blocks and not self.users:
            raise GridError("both grids are empty: give blocks or users values to measure", kind="input")
        for name, values, least in (("blocks", self.blocks, 0), ("users", self.users, 1)):
            if any(not isinstance(v, int) or isinstance(v, bool) or v < least for v in values):
                raise GridError(f"the {name} grid takes whole numbers of at least {least}, "
                                f"not {list(values)}", kind="input")
        if not isinstance(self.fixed_blocks, int) or self.fixed_blocks < 0:
            raise GridError(f"fixed blocks must be a whole number >= 0, not {self.fixed_blocks!r}",
                            kind="input")
        return self

    @property
    def max_users(self) -> int:
        """The most virtual users any cell needs."""
        return max([*self.users, self.fixed_users if self.blocks else 0])


def full_options(**overrides) -> BenchOptions:
    """The full experiment: both grids, 100 timings per function per cell."""
    return replace(BenchOptions(), **overrides).checked()


def quick_options(**overrides) -> BenchOptions:
    """A run that finishes in under 2 minutes on tester and anvil together.

    Both grids keep their shape with fewer points (blocks 0, 100, 1000 at 10
    users; users 10, 100, 1000 at 100 blocks), 10 timings per function per
    cell and 100 transactions in each concurrent phase.
    """
    quick = BenchOptions(blocks=(0, 100, 1000), users=(10, 100, 1000), fixed_users=10, repeats=10,
                         load_requests=100, quick=True)
    return replace(quick, **overrides).checked()
