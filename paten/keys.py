"""Technical keys generated from what people type (a document's name, a field's label).

Keys are stored with applications and attachments, so they are made once, when a row
is first saved, and never regenerated from a later label: renaming a document or a
field keeps its key.
"""

from collections.abc import Iterable

from django.utils.text import slugify


def key_from_label(
    label: str, *, taken: Iterable[str] = (), max_length: int = 50, fallback: str = "item"
) -> str:
    """A lowercase ``a_b_c`` key for ``label`` that starts with a letter, is at most
    ``max_length`` characters long and is not in ``taken`` (``_2``, ``_3``… added)."""
    taken = set(taken)
    base = slugify(label or "").replace("-", "_").strip("_")
    if not base or not base[0].isalpha():
        base = f"{fallback}_{base}".strip("_")
    base = base[:max_length].rstrip("_")
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = f"_{number}"
        candidate = base[: max_length - len(suffix)].rstrip("_") + suffix
    return candidate
