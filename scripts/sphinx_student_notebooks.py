"""Sphinx extension: the student notebooks in the site, linked from every chapter.

Loaded through ``sphinx.local_extensions`` in ``_config.yml``. When the HTML build
finishes, it writes the student version of every chapter (see
``make_student_notebooks.py``) into ``<site>/student/``; on each chapter's page
it puts, under the title, a link that downloads that chapter's student notebook
(on the pages of chapters that have exercises).
The link is relative, so it works from ``file://`` as well as from a server.
"""

import html
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_student_notebooks as students  # noqa: E402

CHAPTER_PAGE = re.compile(r"^book/(\d\d_[\w-]+)$")


def _box(pagename, stem):
    depth = pagename.count("/")
    href = "../" * depth + f"student/{stem}.ipynb"
    return (
        '<div class="admonition tip student-notebook">'
        '<p class="admonition-title">Work the exercises</p>'
        f'<p>Download <a class="reference download" href="{html.escape(href)}" '
        f'download="{stem}.ipynb"><code>{stem}.ipynb</code>, the student notebook '
        "of this chapter</a>: the same chapter with every exercise's solution "
        "replaced by a stub for you to write. Or run <code>make exercises</code> in "
        "the repository and open the <code>exercises/</code> folder with "
        "<code>make lab</code>.</p></div>")


def add_link(app, pagename, templatename, context, doctree):
    match = CHAPTER_PAGE.match(pagename)
    if not match or "body" not in context:
        return
    stem = match.group(1)
    source = students.BOOK / f"{stem}.ipynb"
    if not source.is_file() or "{solution-start}" not in source.read_text("utf-8"):
        return
    body = context["body"]
    end = body.find("</h1>")
    at = end + len("</h1>") if end >= 0 else 0
    context["body"] = body[:at] + _box(pagename, stem) + body[at:]


def write_notebooks(app, exception):
    if exception is None and app.builder.format == "html":
        students.write_all(pathlib.Path(app.outdir) / "student")


def setup(app):
    app.connect("html-page-context", add_link)
    app.connect("build-finished", write_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
