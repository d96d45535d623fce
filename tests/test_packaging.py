"""Packaging tells the truth: the Python floor, the pins and the licence agree."""

import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins(name):
    """{package: version} of the ``==`` lines of a requirements-style file."""
    result = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            package, version = line.split("==")
            result[re.sub(r"[-_.]+", "-", package.lower())] = version.strip()
    return result


def python_floor():
    match = re.fullmatch(r">=\s*(\d+)\.(\d+)", PROJECT["requires-python"].split("#")[0].strip())
    assert match, PROJECT["requires-python"]
    return int(match[1]), int(match[2])


def test_the_python_floor_is_the_one_we_run_and_the_readme_states():
    floor = python_floor()
    assert floor == (3, 11)                     # numpy 2.4 needs Python 3.11
    assert sys.version_info[:2] >= floor
    assert f"Python {floor[0]}.{floor[1]}+" in (ROOT / "README.md").read_text()


def test_numpy_floor_matches_the_pinned_numpy():
    pinned = tuple(int(part) for part in pins("requirements.txt")["numpy"].split(".")[:2])
    floor = next(d for d in PROJECT["dependencies"] if d.startswith("numpy"))
    assert floor == f"numpy>={pinned[0]}.{pinned[1]}"


def test_every_direct_pin_is_in_the_constraints_at_the_same_version():
    direct, locked = pins("requirements.txt"), pins("constraints.txt")
    assert len(locked) > 3 * len(direct)        # transitive dependencies too
    for package, version in direct.items():
        assert locked.get(package) == version, package


def test_the_licence_is_an_spdx_expression():
    assert PROJECT["license"] == "MIT"
