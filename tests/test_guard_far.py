"""The cheap look for far references in double quotes (`_far_patterns`' third pattern) finds
what the form it was first written in finds: `{0,0}` repeats dropped, nothing else changed."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from addin.workbook.guard import _far_patterns


def _as_first_written(letters: int, digits: int) -> re.Pattern[bytes]:
    if letters <= 1:
        return re.compile(rb'r="[$A-Za-z]+[0-9]')
    rest = letters - 1
    return re.compile(
        rb'r="[$A-Za-z](?:[$A-Za-z]{%d,}[0-9]|[$A-Za-z]{0,%d}[0-9]{%d})' % (rest, rest - 1, digits)
    )


@settings(max_examples=300, deadline=None)
@given(
    letters=st.integers(1, 4),
    digits=st.integers(1, 7),
    text=st.tuples(
        st.sampled_from([b"", b"<c ", b'r="A', b"r='"]),
        st.sampled_from([b'r="', b"r=", b"r='"]),
        st.tuples(  # a reference: "$", letters, "$", digits, any of them left out
            st.sampled_from(["", "$"]),
            st.text("AZaz", max_size=5),
            st.sampled_from(["", "$"]),
            st.text("079", max_size=8),
        ).map(lambda parts: "".join(parts).encode()),
        st.sampled_from([b"", b'"', b"'", b"/>"]),
    ).map(b"".join),
)
def test_the_double_quoted_look_is_unchanged(letters, digits, text):
    found = _far_patterns(letters, digits)[2].search(text)
    first = _as_first_written(letters, digits).search(text)
    assert (found and found.span()) == (first and first.span())


def test_two_letters_or_four_digits_and_not_fewer():
    far_dq = _far_patterns(2, 4)[2]
    assert far_dq.search(b'<c r="AB1">') and far_dq.search(b'<c r="A1000">')
    assert not far_dq.search(b'<c r="A999">') and not far_dq.search(b'<c r="Z1">')
