"""The vega, vega-lite and vega-embed JavaScript inlined into scorecard.html.

vl-convert ships the libraries and bundles them offline, but bundling takes about two seconds, so
the result is cached under the project's target/ directory, keyed by the vl-convert version."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from importlib.metadata import version
from pathlib import Path


@cache
def vega_bundle(project_dir: Path) -> str:
    cache = project_dir / "target" / "scorecard" / f"vega-bundle-{version('vl-convert-python')}.js"
    if cache.exists():
        return cache.read_text(encoding="utf-8")
    import vl_convert

    bundle = vl_convert.javascript_bundle()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        # written under a temporary name first: a concurrent reader never sees half a bundle
        handle, temporary = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(bundle)
        os.replace(temporary, cache)
    except OSError:
        pass  # a read-only project still gets its report, it just bundles again next time
    return bundle
