"""Sessions: `tests` (unit + conformance), `example`, `lint`, `conformance`.

Every session installs `torch==2.13.0` explicitly before the package, so a fresh
machine never resolves an unpinned torch (which would pull CUDA builds).
"""

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests"]

TORCH = "torch==2.13.0"
PYTHON = "3.11"


def install(session, extras: str = "") -> None:
    session.install(TORCH)
    session.install("-e", f".{extras}")


@nox.session(python=PYTHON)
def tests(session):
    """Unit tests and the differential conformance tests against Keras 3 (torch backend)."""
    install(session, "[test]")
    session.run("python", "-m", "pytest", "tests", "compat_tests", *session.posargs,
                env={"KERAS_BACKEND": "torch"})


@nox.session(python=PYTHON)
def example(session):
    """Run the offline example: an MLP classifier on generated data."""
    install(session)
    session.run("python", "examples/mlp_classifier.py", *session.posargs)


@nox.session(python=PYTHON)
def conformance(session):
    """The conformance suite alone."""
    install(session, "[test]")
    session.run("python", "-m", "pytest", "compat_tests", *session.posargs, env={"KERAS_BACKEND": "torch"})


@nox.session(python=PYTHON)
def lint(session):
    """ruff over the package, tests and examples."""
    session.install("ruff")
    session.run("ruff", "check", "kerasbridge", "tests", "compat_tests", "examples", "benchmarks")
