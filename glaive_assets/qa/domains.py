"""A coarse function domain for a record, from the name of its first declared function.

This is a keyword table, not a classifier: the first defined function's name is split into lowercase
words ("get_stock_price" -> get, stock, price; "convertCurrency" -> convert, currency), each word
also counts without a trailing plural "s" ("headlines" -> headline), and the record takes the first
domain in DOMAIN_KEYWORDS (in table order) that shares a word with the name. A name that matches
nothing, or is not a string, is "other"; a record that declares no function is "no_functions". It only feeds the representation-bias slice `function_domain`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

NO_FUNCTIONS = "no_functions"
OTHER_DOMAIN = "other"

# Order matters: "book_flight" is travel (not entertainment's "book"), "get_stock_price" finance
# (not shopping's "price").
DOMAIN_KEYWORDS: dict[str, frozenset[str]] = {
    "finance": frozenset(
        "stock currency exchange loan mortgage interest tax investment invest salary payment budget "
        "bank crypto cryptocurrency bitcoin tip profit income expense saving retirement".split()
    ),
    "weather": frozenset("weather forecast climate".split()),
    "travel": frozenset(
        "flight hotel distance route direction traffic airport taxi ride trip travel fuel gas "
        "parking transit vacation".split()
    ),
    "food": frozenset("recipe restaurant food meal cuisine ingredient dish cooking".split()),
    "health": frozenset("bmi health fitness calorie exercise workout medication medical symptom sleep".split()),
    "news": frozenset("news headline article".split()),
    "entertainment": frozenset(
        "movie film music song lyric book game joke quote tv show podcast playlist trivia fact".split()
    ),
    "communication": frozenset("email message sms contact notification".split()),
    "productivity": frozenset("todo note reminder calendar event task schedule meeting alarm timer".split()),
    "shopping": frozenset("product discount order shopping cart coupon price".split()),
    "math": frozenset("area math prime factorial fibonacci square gcd equation average".split()),
    "utility": frozenset(
        "random password qr convert translate generate barcode username uuid unit age time "
        "timezone spell anagram palindrome".split()
    ),
}

DOMAINS: tuple[str, ...] = (*DOMAIN_KEYWORDS, OTHER_DOMAIN, NO_FUNCTIONS)

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def name_words(function_name: str) -> set[str]:
    """Lowercase words of a function name, each also without a trailing plural "s"."""
    spaced = _CAMEL_BOUNDARY.sub("_", function_name).lower()
    words = {word for word in _NON_WORD.split(spaced) if word}
    return words | {word[:-1] for word in words if len(word) > 3 and word.endswith("s")}


def function_domain(defined_function_names: Any) -> str:
    """The domain of a record from its `defined_function_names` (any value: a non-list is "other")."""
    if defined_function_names is None or defined_function_names == []:
        return NO_FUNCTIONS
    if not isinstance(defined_function_names, list) or not isinstance(defined_function_names[0], str):
        return OTHER_DOMAIN
    return _name_domain(defined_function_names[0])


@lru_cache(maxsize=8192)  # the transform asks for every record; a dataset has a few thousand names
def _name_domain(function_name: str) -> str:
    words = name_words(function_name)
    for domain, keywords in DOMAIN_KEYWORDS.items():
        if words & keywords:
            return domain
    return OTHER_DOMAIN
