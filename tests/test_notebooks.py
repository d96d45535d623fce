"""The committed chapter notebooks: executed top to bottom, in the table of contents.

nbval silently skips cells that were never executed, so this checks that every code
cell ran, in order, in one fresh kernel, and that no stored output is an error.
"""
import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def code_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_there_are_chapter_notebooks():
    assert NOTEBOOKS, "book/ holds no chapter notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_code_cell_ran_in_order_in_one_kernel(path):
    counts = [cell["execution_count"] for cell in code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts}; run `make notebooks` to re-execute it "
        "top to bottom in a fresh kernel")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_stored_errors_or_run_dependent_text(path):
    for number, cell in enumerate(code_cells(path)):
        tags = cell.get("metadata", {}).get("tags", [])
        for output in cell["outputs"]:
            if output["output_type"] == "error" and "raises-exception" not in tags:
                pytest.fail(f"{path.name}: code cell {number} stores an error: {output['ename']}")
            text = "".join(output.get("text", "")) + \
                "".join(output.get("data", {}).get("text/plain", ""))
            assert not re.search(r"0x[0-9a-f]{8,}", text), \
                f"{path.name}: code cell {number} prints a memory address"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_the_table_of_contents(path):
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert f"file: book/{path.stem}" in toc, f"{path.name} is not listed in _toc.yml"
