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
    # One torch thread: the suite is thousands of small ops, where a second intra-op thread costs
    # more than it gains (compat_tests/layers + tests/engine ran in about half the time on 2 cores).
    session.run("python", "-m", "pytest", "tests", "compat_tests", *session.posargs,
                env={"KERAS_BACKEND": "torch", "OMP_NUM_THREADS": "1"})


@nox.session(python=PYTHON)
def example(session):
    """Run the offline example: an MLP classifier on generated data."""
    install(session)
    session.run("python", "examples/mlp_classifier.py", *session.posargs)


@nox.session(python=PYTHON)
def conformance(session):
    """The conformance suite, recording which Keras names passing tests verify, then the coverage report.

    The report (compat_tests/api_coverage.py) runs even when tests fail, then the session fails.
    """
    install(session, "[test]")
    record = "build/conformance/api_record.json"
    env = {"KERAS_BACKEND": "torch", "KERASBRIDGE_API_RECORD": record}
    session.run("python", "-m", "pytest", "compat_tests", *session.posargs, env=env, success_codes=[0, 1])
    session.run("python", "compat_tests/api_coverage.py", "--record", record, "--check", env=env)


@nox.session(python=PYTHON)
def lint(session):
    """ruff over the package, tests and examples."""
    session.install("ruff")
    session.run("ruff", "check", "kerasbridge", "tests", "compat_tests", "examples", "benchmarks")


XLA_PINS = ("torch==2.9.0", "torch-xla==2.9.0")


@nox.session(python=PYTHON)
def xla(session):
    """The TPU path on CPU: torch 2.9.0 + torch-xla 2.9.0, `PJRT_DEVICE=CPU`, running tests_xla/.

    fit/evaluate/predict on the XLA device through Lightning's XLA accelerator, equality with the
    CPU run, and graph-compilation counts from `torch_xla.debug.metrics`. torch-xla pins its torch,
    so this session has its own venv (the default CUDA wheel of torch 2.9.0 from PyPI; it is only
    used on the CPU here).
    """
    session.install(*XLA_PINS)
    session.install("-e", ".", "pytest", *XLA_PINS)
    session.run("python", "-m", "pytest", "tests_xla", *session.posargs,
                env={"PJRT_DEVICE": "CPU", "XLA_USE_SPMD": "0", "TPU_SKIP_MDS_QUERY": "1"})
