"""Reading a PDF back in tests: its text as poppler's pdftotext extracts it."""

from __future__ import annotations

import shutil
import subprocess


def pdftotext(pdf: bytes, tmp_path, *, layout: bool = False) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    executable = shutil.which("pdftotext")
    assert executable, "pdftotext is installed by make test's set-up (Debian poppler-utils)"
    args = [executable, *(["-layout"] if layout else []), str(path), "-"]
    # A fixed program on a file the test wrote.
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout  # noqa: S603
