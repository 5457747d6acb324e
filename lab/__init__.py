"""The curriculum's support code: self-checking exercises and lesson widgets.

Notebooks import from here; `lab` imports from `primitives` and `grid`, never
the other way round. Checks hold the expected values (each cited, or computed
independently of the student's code); reference solutions live in
`lab/solutions/`, outside the notebooks, so the test suite can inject them.
"""
