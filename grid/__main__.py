"""`python -m grid ...`: see grid.cli."""
import sys

from .cli import main

sys.exit(main())
