"""Which names name a learner in the outputs, and which a reader may take for another's.

A learner's folder (or hand-in) gives the name their row, feedback files and report entry
are written under: it must be one a file system takes and a reader sees whole.
"""

from __future__ import annotations

import re
import unicodedata

from .outputs import POSSIBLE_ROW

MAX_NAME_CHARS = 100  # the outputs' file names stay well within the system's limit
MAX_NAME_BYTES = 200  # of 255 a file's name may have: "<name>.html", ".<name>.md.<random>"
LOOK_ALIKE_SCRIPTS = {"LATIN", "GREEK", "CYRILLIC"}
# The names hand-ins and rosters may give: letters, digits and ._@+- (at most 100).
LEARNER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}")


def name_problem(name: str) -> str | None:
    """Why a folder's name cannot name a learner in the outputs, or None: a control, format
    or line-separating character would split a row for tools that read lines, a space at
    either end is unseen, a name longer than ``MAX_NAME_CHARS`` (or ``MAX_NAME_BYTES`` in
    UTF-8) cannot name the learner's files, and the grades' own row of the points possible
    is no learner."""
    if name == POSSIBLE_ROW:
        return "it is the name of the grades' row of the points possible"
    if len(name) > MAX_NAME_CHARS or len(name.encode(errors="surrogateescape")) > MAX_NAME_BYTES:
        return f"it is longer than {MAX_NAME_CHARS} characters (or {MAX_NAME_BYTES} bytes)"
    if name != name.strip(" "):
        return "it begins or ends with a space"
    for character in name:
        if character != " " and unicodedata.category(character)[0] in "CZ":
            return f"it holds the character {unicodedata.name(character, hex(ord(character)))}"
    return None


def escaped(text: str) -> str:
    """``text`` as a terminal may print it: control and format characters, and line or
    paragraph separators, written as escapes (``\\x1b``, ``\\u202e``). A name read from a
    learner's file could otherwise clear the screen, forge a line or hide what follows."""
    return "".join(
        character.encode("unicode_escape").decode("ascii")
        if unicodedata.category(character) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
        else character
        for character in text
    )


def look_alike_names(names: list[str]) -> list[str]:
    """A warning for each name a reader may take for another learner's: names equal but for
    capitals or compatibility forms (NFKC), and names that mix Latin, Greek and Cyrillic
    letters (``аda`` with a Cyrillic ``а``). Both are graded, as the folders are two."""
    warnings = []
    by_form: dict[str, list[str]] = {}
    for name in sorted(names):
        by_form.setdefault(unicodedata.normalize("NFKC", name).casefold(), []).append(name)
        scripts = {
            unicodedata.name(character, "").split(" ")[0]
            for character in name
            if character.isalpha()
        }
        mixed = sorted(scripts & LOOK_ALIKE_SCRIPTS)
        if len(mixed) > 1:
            warnings.append(
                f"Folder {name!r} mixes {' and '.join(mixed)} letters, which can look alike: "
                "check that it is not another learner's name."
            )
    for same in by_form.values():
        if len(same) > 1:
            shown = " and ".join(repr(name) for name in same)
            warnings.append(f"Folders {shown} differ only in capitals or forms: both graded.")
    return warnings
