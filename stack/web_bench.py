"""The widget's weight beside rasa-webchat's published bundle, measured the same way (bytes
gzipped at level 9). The web app's speed is measured by the load driver (stack/load.py)."""

import gzip
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from stack.settings import PROJECT_DIR

STATIC = PROJECT_DIR / "widgets" / "static"
WIDGET_FILES = ("widget.js", "widget.css")


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def widget_weight() -> dict[str, Any]:
    """Bytes gzipped (level 9): our widget's JS + CSS, and rasa-webchat's published bundle
    (its package's main file, lib/index.js, which carries its CSS too) measured the same way."""
    ours = sum(gzipped((STATIC / name).read_bytes()) for name in WIDGET_FILES)
    figures: dict[str, Any] = {"widget_gzip_bytes": ours}
    with tempfile.TemporaryDirectory(prefix="alledore-webchat-") as work:
        packed = subprocess.run(
            ["npm", "pack", "rasa-webchat", "--silent"],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if packed.returncode != 0:
            figures["rasa_webchat_error"] = packed.stderr.strip()[-300:]
            return figures
        tarball = Path(work) / packed.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as archive:
            meta = json.load(archive.extractfile("package/package.json"))  # type: ignore[arg-type]
            main = archive.extractfile(f"package/{meta['main']}")
            assert main is not None
            figures["rasa_webchat"] = f"rasa-webchat {meta['version']} {meta['main']}"
            figures["rasa_webchat_gzip_bytes"] = gzipped(main.read())
    figures["widget_vs_rasa_webchat"] = round(ours / figures["rasa_webchat_gzip_bytes"], 3)
    return figures
