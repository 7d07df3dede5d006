"""Issue 19 item 8: the generated client's README installs the folder it sits in."""

from __future__ import annotations

import re
from pathlib import Path

GENERATED = Path(__file__).resolve().parents[2] / "generated"


def test_the_install_line_names_the_generated_folder() -> None:
    readme = GENERATED / "chargeover_client" / "README.md"
    installs = re.findall(r"pip install \./([\w.-]+)", readme.read_text(encoding="utf-8"))
    # it said `./chargeover-client`, a folder that does not exist
    assert installs == [readme.parent.name]
