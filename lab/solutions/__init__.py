"""Reference solutions, one module per notebook (nbNN.py); the test suite injects them.

Each module ends with SOLUTIONS: {exercise id: the function that answers it}.
"""
