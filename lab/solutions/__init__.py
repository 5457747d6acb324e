"""Reference solutions, one module per notebook (nbNN.py); the test suite injects them."""
