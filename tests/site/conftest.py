"""Options for the built-site checks: they run only when told where the site is."""
import pathlib

import pytest


def pytest_addoption(parser):
    parser.addoption("--site", action="store", default=None,
                     help="folder of the built HTML site to check, e.g. _build/html")


@pytest.fixture(scope="session")
def site(request) -> pathlib.Path:
    """The built site's folder; the checks are skipped unless --site is given."""
    value = request.config.getoption("--site")
    if value is None:
        pytest.skip("no --site given: run `make test`, which builds the site and checks it")
    path = pathlib.Path(value).resolve()
    if not (path / "index.html").is_file():
        pytest.fail(f"--site {value}: no index.html there; build the site first (make book)")
    return path
