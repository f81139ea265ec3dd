"""The escaping of names in products and list cells: the quick path equals the character loop."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from salesfunnel.io import _values as v


def escaped_char_by_char(text: str, specials: str) -> str:
    out = []
    for i, ch in enumerate(text):
        edge = (i == 0 or i == len(text) - 1) and ch.isspace()
        out.append("\\" + ch if ch in specials or ch == "\\" or edge else ch)
    return "".join(out)


@given(
    st.text(alphabet=st.sampled_from("ab;=\\ \t\u3000\u00a0\n"), max_size=6) | st.text(max_size=8),
    st.sampled_from([";", ";="]),
)
def test_same_as_the_loop(text, specials):
    assert v._escape(text, specials) == escaped_char_by_char(text, specials)


@given(st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=4))
def test_a_list_reads_back(names):
    names = [n for n in names if n.strip()] or ["x"]
    assert list(v.parse_list(v.format_list(names))) == names
