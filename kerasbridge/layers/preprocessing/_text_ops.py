"""String operations of `TextVectorization`, matching TensorFlow's string ops that Keras uses.

- lowercasing is ASCII-only (`tf.strings.lower` without an encoding);
- punctuation stripping removes the ASCII punctuation characters of Keras's regex;
- whitespace splitting splits on ASCII whitespace and drops empty tokens (`tf.strings.split`);
- character splitting yields Unicode code points (`tf.strings.unicode_split`);
- n-grams are grouped by width, in the order the widths are given (`tf.strings.ngrams`).
"""

from __future__ import annotations

import re
import string

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_NO_PUNCTUATION = str.maketrans("", "", string.punctuation)
_WHITESPACE = re.compile(r"[ \t\n\v\f\r]+")


def lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def strip_punctuation(text: str) -> str:
    return text.translate(_NO_PUNCTUATION)


def split_whitespace(text: str) -> list[str]:
    return [token for token in _WHITESPACE.split(text) if token]


def split_characters(text: str) -> list[str]:
    return list(text)


def ngrams(tokens: list[str], widths: tuple[int, ...], separator: str = " ") -> list[str]:
    """All n-grams of each width in `widths` (a width longer than the row gives none)."""
    out = []
    for width in widths:
        out.extend(separator.join(tokens[i : i + width]) for i in range(len(tokens) - width + 1))
    return out
