"""Make `import primitives` work however pytest is launched.

Plain `pytest` puts this folder, not the repository root, on sys.path; the
tests load their expected values from ../../data/*.json (see data/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
