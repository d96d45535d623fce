"""Write the student version of every chapter: the exercises without their solutions.

    python scripts/make_student_notebooks.py [OUT_DIR]      (default: exercises/)

The chapters (book/*.ipynb) are the one source: nobody edits a student notebook.
In each chapter, an exercise is an ``{exercise}`` markdown cell followed by its
solution: a markdown cell ``{solution-start} LABEL``, the solution code cell(s),
and a markdown cell ``{solution-end}``. The student version

- drops the two solution markers, so nothing is hidden in a dropdown;
- turns every solution code cell into a stub: its imports and its calls to
  ``check_*`` checkers stay, every function keeps its signature and docstring
  and gets the body ``# YOUR CODE HERE`` / ``raise NotImplementedError``, and
  any other solution code is replaced by ``# YOUR CODE HERE``; the stub's stored
  outputs are removed;
- keeps every other cell, with its outputs, as it is.

A checker called on a stub prints that the function is not written yet, so a
student notebook runs top to bottom as generated. ``tests/test_student_notebooks.py``
proves that filling the stubs back in gives the chapter itself, that no solution
code is left in a student notebook, and that every stub cell runs.
"""

import argparse
import ast
import copy
import pathlib
import re
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
DEFAULT_OUT = ROOT / "exercises"

SOLUTION_START = re.compile(r"^[`:]{3,}\{solution-start\}\s*(\S+)", re.M)
SOLUTION_END = re.compile(r"^[`:]{3,}\{solution-end\}", re.M)
STUB_BODY = ("# YOUR CODE HERE", "raise NotImplementedError")
# Set on every stub cell: {"exercise": label}.
METADATA_KEY = "student"


def chapters():
    """The chapter notebooks, in order."""
    return sorted(BOOK.glob("*.ipynb"))


def _is_check_call(node):
    """``check_xxx(...)`` as a statement."""
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id.startswith("check_"))


def _segment(lines, first, last):
    """Source lines first..last (1-based, inclusive) as one string."""
    return "\n".join(lines[first - 1:last])


def stub_source(source, label):
    """The stub of one solution code cell (see the module docstring)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    parts = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or _is_check_call(node):
            parts.append(_segment(lines, node.lineno, node.end_lineno))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            body = node.body
            indent = " " * body[0].col_offset
            has_doc = (isinstance(body[0], ast.Expr)
                       and isinstance(body[0].value, ast.Constant)
                       and isinstance(body[0].value.value, str))
            if has_doc:
                head = _segment(lines, first, body[0].end_lineno)
            else:
                head = _segment(lines, first, body[0].lineno - 1)
                head += (f'\n{indent}"""Your solution to exercise {label}: see the '
                         'exercise above."""')
            parts.append(head + "".join(f"\n{indent}{line}" for line in STUB_BODY))
        elif not parts or parts[-1] != STUB_BODY[0]:
            parts.append(STUB_BODY[0])
    text = ""
    for i, part in enumerate(parts):
        if i:
            blank = "\n\n\n" if part.startswith(("def ", "@", "async def ")) or \
                parts[i - 1].startswith(("def ", "@", "async def ")) else "\n"
            if _is_first_check(parts, i):
                blank = "\n\n\n"
            text += blank
        text += part
    return text + "\n" if text and source.endswith("\n") else text


def _is_first_check(parts, i):
    return parts[i].startswith("check_") and not parts[i - 1].startswith("check_")


def student_version(chapter):
    """The student notebook (a new NotebookNode) for the chapter notebook."""
    nb = copy.deepcopy(chapter)
    cells = []
    label = None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            start = SOLUTION_START.search(cell.source)
            if start:
                label = start.group(1)
                continue
            if SOLUTION_END.search(cell.source):
                label = None
                continue
        if label is not None and cell.cell_type == "code":
            cell.source = stub_source(cell.source, label)
            cell.outputs = []
            cell.execution_count = None
            cell.metadata[METADATA_KEY] = {"exercise": label}
        cells.append(cell)
    nb.cells = [_header(chapter)] + cells
    return nb


def _header(chapter):
    title = next((c.source.splitlines()[0].lstrip("# ").strip()
                  for c in chapter.cells if c.cell_type == "markdown"), "")
    cell = nbformat.v4.new_markdown_cell(
        f"**Student version of “{title}”.** Every exercise's solution is replaced by "
        "a stub: write your code where it says `# YOUR CODE HERE` (remove the "
        "`raise NotImplementedError`), then run the cell; the checker after it "
        "says whether your function is right, and what is wrong if not. Until you "
        "write it, the checker says the function is not written yet and the "
        "notebook runs on: the later cells use the library's functions. The "
        "solutions are in the book, in the dropdown after each exercise. This "
        "notebook is generated from the chapter by "
        "`scripts/make_student_notebooks.py` (`make exercises`).")
    cell["id"] = "student-version"
    return cell


def write_all(out_dir, sources=None):
    """Write the student version of every chapter into out_dir; return the paths."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sources or chapters():
        chapter = nbformat.read(path, as_version=4)
        target = out_dir / path.name
        nbformat.write(student_version(chapter), target)
        written.append(target)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=str(DEFAULT_OUT))
    args = parser.parse_args(argv)
    written = write_all(args.out_dir)
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
