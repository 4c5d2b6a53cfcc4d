"""Finding elements AppTest does not list itself (it has no download-button accessor)."""

from __future__ import annotations

from streamlit.testing.v1.element_tree import Block


def download_buttons(block: Block) -> list:
    """Every download button under ``block``, as (parent block, index, element) triples."""
    found = []
    for index, child in list(block.children.items()):
        if getattr(child, "type", None) == "download_button":
            found.append((block, index, child))
        elif isinstance(child, Block):
            found += download_buttons(child)
    return found
