"""Blockchain building blocks for the GridChain Lab lessons.

Small, readable modules that a notebook can teach from, each verified against
real Bitcoin and Ethereum data. This package never imports `grid`, `lab`, web3 or
widgets: `lab` and the notebooks build on it, and `grid` is its sibling.
"""
