"""Sphinx configuration of corten's documentation site.

The pages are Markdown (MyST); the API reference is generated from the numpydoc
docstrings by autodoc. ``make docs`` and ``tests/test_docs.py`` build the site with
warnings as errors. The examples on the pages are doctests that pytest runs; the
build itself runs no code from them.

pytest imports this file too (``--doctest-modules`` over ``docs``), so importing it
must do nothing but define the configuration.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import corten

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

project = "corten"
author = "the corten developers"
project_copyright = "the corten developers"
release = corten.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
]

root_doc = "index"
source_suffix = {".md": "markdown"}

# Pages that other parts of the project write: listed in the navigation (a toctree
# appended to the index) when they exist, so the site builds before and after they
# do. ``migration.md`` includes the repository's MIGRATION.md.
OPTIONAL_PAGES = {
    "migration": ROOT / "MIGRATION.md",
    "performance": DOCS / "performance.md",
    "gpu-verification": DOCS / "gpu-verification.md",
}
exclude_patterns = [
    "_build",
    *(f"{page}.md" for page, source in OPTIONAL_PAGES.items() if not source.exists()),
]

# -- MyST: Markdown pages ---------------------------------------------------------------

myst_heading_anchors = 3  # links such as guide.md#the-escape-rule

# -- autodoc, autosummary and numpydoc: the API reference --------------------------------

autodoc_member_order = "alphabetical"
autodoc_typehints = "signature"
autodoc_inherit_docstrings = True
# The API pages hold their own autosummary tables of objects documented on the same
# page; no stub pages are generated.
autosummary_generate = False
# numpydoc would add a table of every member to each class, with links to stub pages
# that do not exist; the API pages list the members themselves.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# -- HTML --------------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"corten {release}"
html_theme_options: dict[str, Any] = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}


def _append_optional_pages(app: Any, docname: str, source: list[str]) -> None:
    """Add the optional pages that exist to the index's navigation."""
    if docname != root_doc:
        return
    present = [page for page, src in OPTIONAL_PAGES.items() if src.exists()]
    if present:
        entries = "\n".join(present)
        source[0] += f"\n\n```{{toctree}}\n:maxdepth: 1\n:caption: More\n\n{entries}\n```\n"


def _always_reread_index(app: Any, env: Any, added: Any, changed: Any, removed: Any) -> list[str]:
    """Read the index again on every build: which optional pages exist may have changed."""
    return [root_doc]


def setup(app: Any) -> dict[str, Any]:
    app.connect("source-read", _append_optional_pages)
    app.connect("env-get-outdated", _always_reread_index)
    return {"parallel_read_safe": True}
