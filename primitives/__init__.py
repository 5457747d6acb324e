"""Blockchain building blocks for the GridChain Lab lessons.

Small, readable modules that a notebook can teach from, each verified against
real Bitcoin and Ethereum data. This package never imports `grid`, web3 or
widgets: dependencies point notebooks -> grid -> primitives.
"""
