"""A reference answer stands alone in the teacher's copy, even when it lives in a topic module."""
from __future__ import annotations

from lab.course.graded_source import fill_solution
from lab.solutions import nb15

STUB = '''def block_order(pending, nonces, base_fee):
    """The ids of `pending`, in the order a producer maximising its effective tip includes them."""
    raise NotImplementedError
'''


def test_an_answer_from_a_topic_module_brings_its_own_imports():
    # nb15 gathers its answers from nb15_pool and others; heapq is imported there, not in nb15
    filled = fill_solution(STUB, nb15)
    assert "import heapq" in filled
    namespace: dict = {}
    exec(filled.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""), namespace)
    # two senders, base fee 1: tips min(5, 9) = 5 and min(2, 2) = 2, so "b" first
    assert namespace["block_order"]([("a", "s1", 0, 3, 2), ("b", "s2", 0, 10, 5)], {"s1": 0, "s2": 0}, 1) == \
        ["b", "a"]
