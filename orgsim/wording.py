"""The one place orgsim's words and number formats live: how a number is written
(``format_number``, ``percent``), how a user's text is made safe to print (``printable``),
and the four verdicts that every comparison in the tool speaks (``VERDICTS``), with the
one word said instead of a verdict where a side is over capacity (``OVER_CAPACITY``).

It sits at the bottom of the layers: it imports nothing from orgsim, and every layer above
may use it, so ``compare``, a sweep's regions, the study and the figures word the same
paired difference the same way (the rule that chooses the verdict is ``stats.judge``).
"""

from __future__ import annotations

import math
import unicodedata

__all__ = [
    "BETTER",
    "WORSE",
    "NO_PRACTICAL_DIFFERENCE",
    "CANNOT_TELL",
    "VERDICTS",
    "OVER_CAPACITY",
    "format_number",
    "percent",
    "printable",
]

# the four verdicts on a paired difference (oriented so that positive is good for the
# alternative named), chosen by stats.judge
BETTER = "better"
WORSE = "worse"
NO_PRACTICAL_DIFFERENCE = "no practical difference"
CANNOT_TELL = "cannot tell"
VERDICTS = (BETTER, WORSE, NO_PRACTICAL_DIFFERENCE, CANNOT_TELL)
# beside the four, the one word for a pair with a side whose queues do not empty (see
# orgsim.results.capacity): no difference is judged there, and that is itself an answer
# (that structure cannot carry this load)
OVER_CAPACITY = "over capacity"


def format_number(value, digits: int = 3, signed: bool = False) -> str:
    """A number as a manager reads it: ``5,800``, ``6.2``, ``0.164``, ``n/a``.

    Values of 1,000 and more get thousands separators and no decimals; smaller ones keep
    ``digits`` significant digits (tiny ones in scientific notation).  ``signed`` puts a
    ``+`` before positive values.
    """
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "n/a"
    if math.isnan(value):
        return "n/a"
    sign = "+" if signed and value >= 0 else ""
    if value == 0:
        return sign + "0"
    if abs(value) >= 1000:
        return f"{sign}{value:,.0f}"
    if abs(value) < 10 ** -(digits - 1) / 10:
        return f"{sign}{value:.{max(1, digits - 1)}e}"
    text = f"{value:#.{digits}g}"
    if "e" in text:  # rounds up to 1,000 or more
        return f"{sign}{value:,.0f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return sign + text


def percent(share, decimals: int = 0) -> str:
    """A share (0-1) as a percentage: ``35%`` (``decimals`` after the point); ``n/a`` when
    there is none."""
    try:
        share = float(share)
    except (TypeError, ValueError):
        return "n/a"
    if not math.isfinite(share):
        return "n/a"
    return f"{share * 100:.{decimals}f}%"


def printable(text) -> str:
    """``text`` with control and formatting characters (ESC, newlines, U+202E, ...) escaped:
    safe in a one-line message and in a TOML comment, whatever a file name holds."""
    return "".join(
        ch if ch == " " or unicodedata.category(ch)[0] not in "CZ" else ch.encode("unicode_escape").decode("ascii")
        for ch in str(text)
    )
