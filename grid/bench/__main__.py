"""`python -m grid.bench [--chain ...] [--quick] [--out DIR] [--repeats N]`."""
import argparse
import sys

from .cli import add_arguments, main

parser = argparse.ArgumentParser(
    prog="python -m grid.bench",
    description="Reproduce the thesis's chapter 6 on our stack, beside the floor.")
add_arguments(parser)
sys.exit(main(parser.parse_args()))
