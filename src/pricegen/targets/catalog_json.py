"""The canonical JSON catalog target: the resolved catalog for other tools."""

from __future__ import annotations

from ..model import dump_json
from ..render.templating import header_comment
from .base import RenderContext


class CatalogJson:
    """``catalog.json``: sorted keys, money as decimal strings.

    ``drafts_included`` says whether draft plans and add-ons are in it: a
    build without them holds no trace of them, so a reader cannot tell
    otherwise.
    """

    name = "json"

    def render(self, context: RenderContext) -> dict[str, str]:
        data = {
            "$comment": header_comment(),
            **context.canonical,
            "drafts_included": context.config.include_drafts,
        }
        return {"catalog.json": dump_json(data)}
