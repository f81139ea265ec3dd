"""The description of one kind of JSON document (kept apart so every format module can use it).

Private: :class:`DocumentSchema` is public as :class:`salesfunnel.io.DocumentSchema`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["DocumentSchema"]


@attrs.frozen
class DocumentSchema:
    """One kind of document: its schema name, version, payload key and Python type.

    Register more kinds by passing ``schemas=(*DEFAULT_SCHEMAS,
    DocumentSchema(...))``; ``configure`` adds the cattrs hooks the new type
    needs, if any.

    Attributes:
        name: The schema name, such as ``"salesfunnel/funnel"``.
        version: The current version, written into every document.
        key: The key holding the payload.
        type: The Python type of the payload (of each item when ``many``).
        many: The payload is a list, read back as a tuple.
        configure: A function that registers cattrs hooks for ``type``.
    """

    name: str
    version: int
    key: str
    type: type
    many: bool = False
    configure: Callable[[Any], None] | None = None
