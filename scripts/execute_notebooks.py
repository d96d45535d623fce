"""Re-execute chapter notebooks in a fresh kernel, in place, and store the outputs.

Usage: python scripts/execute_notebooks.py [book/01_rnn_cell.ipynb ...]
With no argument every notebook listed under book/ is executed. Each notebook runs
top to bottom in one new kernel whose working directory is book/ (as under nbval),
so execution counts are 1, 2, 3, ... and the stored outputs are what nbval compares.
"""
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


def chapter_notebooks():
    """Every committed notebook of the book, in file-name order."""
    return sorted(p for p in BOOK.glob("*.ipynb"))


def execute(path: pathlib.Path, timeout: int = 600) -> float:
    """Run one notebook in place; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": "python3"}
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(BOOK)}}).execute()
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv):
    paths = [pathlib.Path(a).resolve() for a in argv] or chapter_notebooks()
    for path in paths:
        seconds = execute(path)
        print(f"executed {path.relative_to(ROOT)} in {seconds:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
