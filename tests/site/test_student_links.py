"""Every chapter with exercises links its student notebook, and the link works offline."""
import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))


def _has_exercises(path):
    return "{solution-start}" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_page_links_its_student_notebook(site, path):
    page = (site / "book" / f"{path.stem}.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]*student/[^"]+\.ipynb)"', page)
    if not _has_exercises(path):
        assert not links
        return
    assert links == [f"../student/{path.stem}.ipynb"], links
    target = (site / "book" / links[0]).resolve()
    assert target.is_file(), f"{links[0]} does not exist in the site"
    student = json.loads(target.read_text(encoding="utf-8"))
    stubs = [c for c in student["cells"] if "student" in c.get("metadata", {})]
    assert stubs and all("raise NotImplementedError" in "".join(c["source"])
                         for c in stubs)
