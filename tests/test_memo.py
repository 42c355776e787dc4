"""The memo by identity answers only for the very objects an entry was made of: an equal
object, or one given the id of an object let go, gets nothing."""

from __future__ import annotations

from addin.memo import ByIdentity


def test_an_equal_object_is_not_the_same_object():
    memo = ByIdentity(4)
    key = [1, 2]
    memo.keep_one(key, "value")
    assert memo.one(key) == "value"
    assert memo.one([1, 2]) is None


def test_a_pair_answers_only_in_its_order_and_for_both_objects():
    memo = ByIdentity(4)
    a, b, c = object(), object(), object()
    memo.keep_two(a, b, "ab")
    assert memo.two(a, b) == "ab"
    assert memo.two(b, a) is None
    assert memo.two(a, c) is None


def test_objects_of_any_number_answer_only_all_alike():
    memo = ByIdentity(4)
    a, b, c = object(), object(), object()
    memo.keep((a, b, c), "abc")
    assert memo.of((a, b, c)) == "abc"
    assert memo.of((a, b)) is None
    assert memo.of((a, b, object())) is None


def test_an_entry_under_reused_ids_is_not_taken_for_another_object():
    memo = ByIdentity(4)
    first, later = object(), object()
    memo._entries[id(later)] = (first, "first's")  # as if `first` had stood at later's id
    assert memo.one(later) is None
    memo._entries[id(first), id(later)] = ((later, first), "swapped")
    assert memo.two(first, later) is None


def test_a_full_memo_starts_over_and_cache_clear_empties_it():
    memo = ByIdentity(2)
    keys = [object() for _ in range(3)]
    for n, key in enumerate(keys):
        memo.keep_one(key, n)
    assert len(memo) == 1 and memo.one(keys[2]) == 2 and memo.one(keys[0]) is None
    memo.cache_clear()
    assert len(memo) == 0 and memo.one(keys[2]) is None
