"""The layers of rnnlib: what `import rnnlib` loads, and who may import whom.

The core (the top-level modules rnnlib/*.py) imports nothing above it; the
engine (rnnlib.fast) imports the core only; no module imports another
module's private names.
"""

import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "rnnlib"
UPPER = ("fast", "checks", "charlm", "music")      # the packages above the core
# package -> the packages (besides the core and itself) it may import
ALLOWED = {"core": set(), "fast": set(), "checks": {"charlm", "music"},
           "charlm": {"fast"}, "music": {"fast", "charlm"}}


def _layer(path):
    parts = path.relative_to(ROOT).parts
    return "core" if len(parts) == 1 else parts[0]


def _imports(path, source=None):
    """(absolute module name, imported names) of every import in ``path``."""
    package = ["rnnlib", *path.relative_to(ROOT).parts[:-1]]
    source = path.read_text() if source is None else source
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            yield module, [alias.name for alias in node.names]


def _violations(path, source=None):
    """Imports of ``path`` that reach a layer it may not import."""
    layer = _layer(path)
    allowed = {"core", layer} | ALLOWED.get(layer, set())
    return [module for module, names in _imports(path, source)
            if _target_layer(module, names) not in allowed | {None}]


def _target_layer(module, names):
    """The layer an import reaches, or None outside rnnlib."""
    if module != "rnnlib" and not module.startswith("rnnlib."):
        return None
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in UPPER:
        return parts[1]
    if len(parts) == 1:                             # from rnnlib import x
        upper = [n for n in names if n in UPPER]
        return upper[0] if upper else "core"
    return "core"


SOURCES = sorted(ROOT.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_layer_imports_only_what_is_below_it(path):
    if path == ROOT / "__init__.py":
        return                                      # the root loads upper layers lazily
    assert not _violations(path), (
        f"{path.relative_to(ROOT)} ({_layer(path)} layer) imports {_violations(path)}")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_private_names_of_another(path):
    for module, names in _imports(path):
        if module is None or not module.startswith("rnnlib"):
            continue
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert not private, (f"{path.relative_to(ROOT)} imports private {private} "
                             f"from {module}")


def test_the_layer_rule_catches_upward_imports():
    core, engine = ROOT / "rnn.py", ROOT / "fast" / "rnn.py"
    assert _violations(core, "from .fast import rnn_forward") == ["rnnlib.fast"]
    assert _violations(core, "from .charlm import train") == ["rnnlib.charlm"]
    assert _violations(core, "import rnnlib.checks") == ["rnnlib.checks"]
    assert _violations(core, "from . import music") == ["rnnlib"]
    assert _violations(engine, "from ..charlm import vocab") == ["rnnlib.charlm"]
    assert _violations(core, "from .lstm import lstm_forward") == []


def _modules_after(code):
    result = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_import_rnnlib_loads_neither_the_engine_nor_threadpoolctl():
    loaded = _modules_after("import rnnlib")
    assert "numpy" in loaded and "rnnlib.rnn" in loaded
    unwanted = {m for m in loaded if m.split(".")[0] == "threadpoolctl"
                or m.startswith(("rnnlib.fast", "rnnlib.checks", "rnnlib.charlm",
                                 "rnnlib.music"))}
    assert not unwanted


def test_chapter_5_names_load_lazily_and_without_the_engine():
    loaded = _modules_after("from rnnlib import clip, sample, char_to_ix\n"
                            "import rnnlib\nrnnlib.charlm.train")
    assert "rnnlib.charlm.classic" in loaded and "rnnlib.charlm.vocab" in loaded
    assert not {m for m in loaded if m.startswith("rnnlib.fast")
                or m.split(".")[0] == "threadpoolctl"}


def test_lazy_names_are_the_real_ones():
    import rnnlib
    from rnnlib.charlm import classic, vocab
    assert rnnlib.clip is classic.clip and rnnlib.model is classic.model
    assert rnnlib.VOCAB_SIZE == vocab.VOCAB_SIZE == 27
    assert "clip" in dir(rnnlib) and "fast" in dir(rnnlib)
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        rnnlib.no_such_name
