"""Publishing a world for the web: one self-contained HTML page (and a zip for itch.io).

    from adventure.publish import export_html
    html = export_html(adventure.load_world("tutorial"))

The page holds the world as JSON (`world_json`) and a small JavaScript runtime (runtime.js) that
plays it with the Python engine's exact semantics; player.js and player.css are its UI. See
docs/publishing.md.
"""

from __future__ import annotations

from .export import FORMAT, FORMAT_VERSION, export_html, export_zip, world_doc, world_json

__all__ = ["FORMAT", "FORMAT_VERSION", "world_doc", "world_json", "export_html", "export_zip"]
