"""Static analysis of the contracts: Slither, run offline with the toolkit's own compiler."""
