"""The tables MLflow's search leans on, as this Python and its sqlparse have them, for the tests to
compare the library's copies with: sqlparse's keywords (the first dictionary that has a word
decides its token type), which code points Python's `\\w`, `\\s` and `\\d` match, which code
points Python's Unicode database leaves unassigned, and, for every character Python sees a case
in, the characters `re.IGNORECASE` matches it with.

usage: python python_search_tables.py > tables.json
"""
import json
import re
import sys
import unicodedata

import _sre
import sqlparse


EVERY = "".join(map(chr, range(0x110000)))


def ranges(pattern):
    """The runs of code points `pattern` matches one at a time."""
    return [[m.start(), m.end() - 1] for m in re.finditer(f"(?:{pattern})+", EVERY)]


def unassigned():
    """The runs of code points Python's Unicode database has no character for."""
    out, start = [], None
    for cp, c in enumerate(EVERY):
        if unicodedata.category(c) == "Cn":
            if start is None:
                start = cp
        elif start is not None:
            out.append([start, cp - 1])
            start = None
    if start is not None:
        out.append([start, 0x10FFFF])
    return out


def main():
    keywords = {}
    for table in sqlparse.lexer.Lexer.get_default_instance()._keywords:
        for word, ttype in table.items():
            keywords.setdefault(word, str(ttype)[len("Token."):])
    out = {
        "keywords": keywords,
        "unassigned": unassigned(),
        "unicode": unicodedata.unidata_version,
        "word": ranges(r"\w"),
        "space": ranges(r"\s"),
        "digit": ranges(r"\d"),
    }
    cased = [cp for cp in range(0x110000) if _sre.unicode_iscased(cp)]
    candidates = sorted(set(cased) | {0x345, 0x1FBE})
    text = "".join(map(chr, candidates))
    ignorecase = {}
    for cp in cased:
        pattern = re.compile(re.escape(chr(cp)), re.IGNORECASE)
        ignorecase[cp] = [candidates[m.start()] for m in pattern.finditer(text)]
    out["ignorecase"] = ignorecase
    out["candidates"] = candidates
    json.dump(out, sys.stdout)


main()
