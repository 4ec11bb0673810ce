"""The canonical JSON catalog target: the resolved catalog for other tools."""

from __future__ import annotations

from ..model import dump_json
from ..render.templating import header_comment
from .base import RenderContext


class CatalogJson:
    """``catalog.json``: sorted keys, money as decimal strings."""

    name = "json"

    def render(self, context: RenderContext) -> dict[str, str]:
        return {"catalog.json": dump_json({"$comment": header_comment(), **context.canonical})}
