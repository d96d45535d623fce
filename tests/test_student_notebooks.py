"""The student notebooks (scripts/make_student_notebooks.py), run both ways, cheaply.

A student notebook is its chapter with every solution replaced by a stub. Instead of
executing every chapter twice more, these tests prove:

- *Solutions filled in*: cell for cell, the student notebook is the chapter with the
  solution markers removed and each solution cell replaced by its stub; filling the
  stubs back in therefore gives the chapter itself, which nbval runs in strict mode,
  and whose stored outputs show every checker passing.
- *Stubs as generated*: the only cells that differ from the chapter are the stubs.
  Every stub cell is executed (after the notebook's imports) and each of its checker
  calls must say "not written yet" without raising; and no other cell uses a stubbed
  function, so every other cell computes what it computes in the chapter. One
  student notebook (chapter 1's) is also run top to bottom in a real kernel.
- *No leak*: no line of a solution's body is in a stub, no solution marker is left,
  and no cell before an exercise holds most of its solution. (Cells after an
  exercise may show a wrong version of what the reader has just written, as the
  "when the checker disagrees" demonstrations do.)
"""
import ast
import builtins
import contextlib
import io
import pathlib
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import make_student_notebooks as students  # noqa: E402

CHAPTERS = students.chapters()
ids = [path.stem for path in CHAPTERS]


def _read(path):
    return nbformat.read(path, as_version=4)


def _solutions(chapter):
    """[(cell index, label, source)] of the chapter's solution code cells."""
    found, label = [], None
    for index, cell in enumerate(chapter.cells):
        if cell.cell_type == "markdown":
            start = students.SOLUTION_START.search(cell.source)
            if start:
                label = start.group(1)
                continue
            if students.SOLUTION_END.search(cell.source):
                label = None
                continue
        if label is not None and cell.cell_type == "code":
            found.append((index, label, cell.source))
    return found


def _is_marker(cell):
    return cell.cell_type == "markdown" and (
        students.SOLUTION_START.search(cell.source)
        or students.SOLUTION_END.search(cell.source))


def _function_bodies(source):
    """{name: [normalised body lines]} of the top-level functions in source."""
    tree = ast.parse(source)
    lines = source.splitlines()
    bodies = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            body = node.body
            if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            text = lines[body[0].lineno - 1:node.end_lineno] if body else []
            bodies[node.name] = [ln for ln in (_norm(t) for t in text) if ln]
    return bodies


def _norm(line):
    return line.split("#")[0].strip()


def _names_used(source):
    return {node.id for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _check_calls(source):
    return [node for node in ast.parse(source).body if students._is_check_call(node)]


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_filled_in_the_student_notebook_is_the_chapter(path):
    chapter = _read(path)
    student = students.student_version(chapter)
    assert student.cells[0]["id"] == "student-version"
    kept = [cell for cell in chapter.cells if not _is_marker(cell)]
    assert len(student.cells) - 1 == len(kept)
    for number, (original, cell) in enumerate(zip(kept, student.cells[1:])):
        assert cell.cell_type == original.cell_type, number
        if students.METADATA_KEY in cell.metadata:
            label = cell.metadata[students.METADATA_KEY]["exercise"]
            assert cell.source == students.stub_source(original.source, label)
            assert cell.outputs == [] and cell.execution_count is None
        else:
            assert cell.source == original.source, f"cell {number} changed"
            if cell.cell_type == "code":
                assert cell.outputs == original.outputs, f"cell {number}'s outputs"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_in_the_chapter_every_exercise_ends_in_a_checker_that_passes(path):
    chapter = _read(path)
    for index, label, source in _solutions(chapter):
        calls = _check_calls(source)
        if not calls:
            continue          # an exercise in several cells: the last one checks
        text = "".join(output.get("text", "") for output in chapter.cells[index].outputs
                       if output.get("output_type") == "stream")
        assert text.count("passed") >= len(calls), (
            f"{path.name}, {label}: the stored output does not show every checker "
            f"passing: {text!r}")
    labels = [label for _, label, _ in _solutions(chapter)]
    for label in dict.fromkeys(labels):
        last = [source for _, other, source in _solutions(chapter) if other == label][-1]
        assert _check_calls(last), f"{path.name}, {label}: no check_* call at its end"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_no_solution_code_in_the_student_notebook(path):
    chapter = _read(path)
    student = students.student_version(chapter)
    for cell in student.cells:
        assert not _is_marker(cell)
        assert "{solution" not in cell.source
    stubs = [cell for cell in student.cells if students.METADATA_KEY in cell.metadata]
    stub_lines = {_norm(line) for cell in stubs for line in cell.source.splitlines()}
    order = {id(cell): n for n, cell in enumerate(student.cells)}
    for index, label, source in _solutions(chapter):
        for name, body in _function_bodies(source).items():
            leaked = [line for line in body if line in stub_lines
                      and line not in students.STUB_BODY]
            assert not leaked, f"{path.name}, {name}: solution lines in a stub: {leaked}"
            # nothing before the exercise holds most of its solution
            first_stub = min(order[id(c)] for c in stubs
                             if c.metadata[students.METADATA_KEY]["exercise"] == label)
            for cell in student.cells[:first_stub]:
                if cell.cell_type != "code" or len(body) < 4:
                    continue
                lines = {_norm(line) for line in cell.source.splitlines()}
                shared = [line for line in body if line in lines]
                assert len(shared) * 2 < len(body), (
                    f"{path.name}: a cell before exercise {label} holds most of "
                    f"{name}'s solution: {shared}")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef):
                stub = [c for c in stubs if f"def {node.name}(" in c.source]
                assert stub, f"{path.name}: no stub for {node.name}"
                body = _function_bodies(stub[0].source)[node.name]
                assert body == [_norm(ln) for ln in students.STUB_BODY if _norm(ln)]


def _stubbed_names(student):
    names = set()
    for cell in student.cells:
        if students.METADATA_KEY in cell.metadata:
            names |= {node.name for node in ast.parse(cell.source).body
                      if isinstance(node, ast.FunctionDef)}
    return names


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_no_other_cell_uses_a_stubbed_function(path):
    student = students.student_version(_read(path))
    stubbed = _stubbed_names(student)
    for number, cell in enumerate(student.cells):
        if cell.cell_type != "code" or students.METADATA_KEY in cell.metadata:
            continue
        used = _names_used(cell.source) & stubbed
        assert not used, (
            f"{path.name}, cell {number} uses {sorted(used)}, which the student "
            "notebook leaves unwritten: use the library's function there instead")


@pytest.mark.parametrize("path", CHAPTERS, ids=ids)
def test_every_stub_cell_runs_and_says_not_written_yet(path):
    student = students.student_version(_read(path))
    namespace = {"__builtins__": builtins, "__name__": "__student__"}
    for number, cell in enumerate(student.cells):
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        if students.METADATA_KEY not in cell.metadata:
            imports = [node for node in tree.body
                       if isinstance(node, (ast.Import, ast.ImportFrom))]
            exec(compile(ast.Module(imports, []), f"cell {number}", "exec"), namespace)
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(tree, f"cell {number}", "exec"), namespace)
        said = out.getvalue()
        calls = len(_check_calls(cell.source))
        assert said.count("not written yet") == calls, (
            f"{path.name}, stub cell {number} printed {said!r}")


def test_a_student_notebook_runs_top_to_bottom_in_a_kernel():
    """Chapter 1's student notebook, in a fresh kernel, as a reader would run it."""
    from nbclient import NotebookClient

    path = ROOT / "book" / "01_rnn_cell.ipynb"
    student = students.student_version(_read(path))
    NotebookClient(student, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "book")}}).execute()
    stub_outputs = ["".join(o.get("text", "") for o in cell.outputs)
                    for cell in student.cells if students.METADATA_KEY in cell.metadata]
    assert stub_outputs and all("not written yet" in text for text in stub_outputs)


def test_the_script_writes_one_student_notebook_per_chapter(tmp_path):
    written = students.write_all(tmp_path, CHAPTERS[:1])
    assert [p.name for p in written] == [CHAPTERS[0].name]
    assert _read(written[0]).cells[0]["id"] == "student-version"


def test_a_stub_keeps_imports_signature_docstring_and_checks():
    source = '''from rnnlib.checks import check_f
import numpy as np


def my_f(x, y=2):
    """Add."""
    z = x + y  # the answer
    return z


TABLE = [my_f(1)]
check_f(my_f)
'''
    assert students.stub_source(source, "ex-f") == '''from rnnlib.checks import check_f
import numpy as np


def my_f(x, y=2):
    """Add."""
    # YOUR CODE HERE
    raise NotImplementedError


# YOUR CODE HERE


check_f(my_f)
'''
