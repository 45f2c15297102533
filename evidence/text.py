"""Free-text evidence (one reference per line) as library items: the data migration of the old
cell fields and the importer of old exchange files use the same rule."""

from __future__ import annotations

TITLE_LENGTH = 300


def items_from_lines(text: str) -> list[tuple[str, str]]:
    """(title, description) per non-blank line, in order, without repeats.

    A line longer than a title keeps its full text in the description.
    """
    result: list[tuple[str, str]] = []
    seen: set[str] = set()
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        title = line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"
        if title in seen:
            continue
        seen.add(title)
        result.append((title, line if title != line else ""))
    return result
