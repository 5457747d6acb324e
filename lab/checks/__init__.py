"""Checks for the notebooks' exercises, one module per notebook (nbNN.py)."""
