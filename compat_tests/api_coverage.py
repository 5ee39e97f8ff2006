"""Keras 3 API coverage of kerasbridge: which public names exist, and which a passing test verifies.

Run the conformance suite with recording on, then the report:

    KERASBRIDGE_API_RECORD=build/conformance/api_record.json python -m pytest compat_tests
    python compat_tests/api_coverage.py            # or: nox -s conformance

For each tracked namespace of the installed `keras` (`NAMESPACES`) the report prints how many of its
public names kerasbridge has (present) and how many are verified: a name `keras.<ns>.<x>` is
verified when at least one test in compat_tests *passed* while reading both `keras.<ns>.<x>` and
`kerasbridge.<ns>.<x>` as attributes of the namespace modules during its call phase, or when
`<x>` is an alias of such a name (the same object in both libraries, e.g. `keras.ops.nn.relu` and
`keras.ops.relu`, `Convolution2D` and `Conv2D`). Skipped, failed and xfailed tests verify nothing;
neither do inventory tests that only list a namespace's names. Names reached only through `from keras.<ns> import x` at a
test module's import time are not seen (nothing is recorded outside a test's call).

The recorder lives here too: compat_tests/conftest.py imports the three pytest hooks below. It
swaps the class of each namespace module for a `ModuleType` subclass that notes attribute reads
while a test runs; it writes the record only when `KERASBRIDGE_API_RECORD` names a file.
"""

import argparse
import dataclasses
import importlib
import json
import os
import sys
import types

import pytest

RECORD_ENV = "KERASBRIDGE_API_RECORD"
DEFAULT_RECORD = os.path.join("build", "conformance", "api_record.json")

# keras namespaces tracked ("" is the top level: keras.Model, keras.Input, ...). Not tracked:
# applications, datasets, export, quantizers, visualization, wrappers, distillation, legacy,
# preprocessing (data-loading utilities, pretrained models and backend-specific bridges).
NAMESPACES = (
    "", "layers", "models", "losses", "metrics", "optimizers", "optimizers.schedules", "callbacks",
    "activations", "initializers", "regularizers", "constraints", "ops", "ops.nn", "ops.image",
    "ops.linalg", "ops.numpy", "utils", "saving", "mixed_precision", "distribution", "random", "config",
    "backend", "dtype_policies", "tree", "quantizers", "preprocessing", "applications",
)

# Tests that list a namespace's names (to check exports or that a sweep table is complete) read
# every name of both libraries without comparing any behaviour; they verify nothing.
INVENTORY_TEST_MARKERS = ("public_names", "is_swept", "has_a_row", "names_cover", "names_match",
                          "extensions_are_listed", "namespace_matches", "exports")


@dataclasses.dataclass
class NamespaceReport:
    """The counts of one namespace."""

    namespace: str
    total: int
    present: int
    verified: int
    missing: list
    unverified: list
    extensions: list


def public_names(module):
    """Public, non-module attribute names of a namespace module (`dir()` plus any `__all__`)."""
    names = set(dir(module)) | set(getattr(module, "__all__", None) or ())
    result = set()
    for name in names:
        try:
            value = getattr(module, name)
        except AttributeError:
            continue
        if not name.startswith("_") and not isinstance(value, types.ModuleType):
            result.add(name)
    return result


def bridge_public_names(module, keras_names):
    """kerasbridge's names: every Keras name it has, plus its own public objects (its extensions).

    An extension is declared in `__all__` or defined inside the namespace's own package; objects
    the module merely imports (torch, typing, shared helpers, registries) are not extensions.
    """
    declared = set(getattr(module, "__all__", None) or ())
    package = module.__name__
    names = set()
    for name in public_names(module):
        origin = str(getattr(getattr(module, name), "__module__", None) or "")
        if name in keras_names or name in declared or origin == package or origin.startswith(package + "."):
            names.add(name)
    return names


def count_namespace(namespace, keras_names, bridge_names, verified_names):
    """Counts one namespace: present = Keras names kerasbridge has; verified = present and verified."""
    keras_names, bridge_names = set(keras_names), set(bridge_names)
    present = keras_names & bridge_names
    verified = present & set(verified_names)
    return NamespaceReport(
        namespace=namespace,
        total=len(keras_names),
        present=len(present),
        verified=len(verified),
        missing=sorted(keras_names - bridge_names),
        unverified=sorted(present - verified),
        extensions=sorted(bridge_names - keras_names),
    )


# A test that reads more names than this from one namespace module is listing it, not testing it.
INVENTORY_READ_LIMIT = 40


def is_inventory_test(nodeid):
    """Whether a test's name says it checks exports or table completeness (it verifies nothing)."""
    test_name = nodeid.split("::")[-1].split("[")[0]
    return any(marker in test_name for marker in INVENTORY_TEST_MARKERS)


def verified_names(record, namespace):
    """Names of `namespace` read from both libraries by one passing, non-inventory test."""
    keras_key = "keras" + (f".{namespace}" if namespace else "")
    bridge_key = "kerasbridge" + (f".{namespace}" if namespace else "")
    names = set()
    for nodeid, result in record.get("tests", {}).items():
        if result.get("outcome") != "passed" or is_inventory_test(nodeid):
            continue
        keras_read = set(result.get("touched", {}).get(keras_key, ()))
        bridge_read = set(result.get("touched", {}).get(bridge_key, ()))
        if max(len(keras_read), len(bridge_read)) > INVENTORY_READ_LIMIT:
            continue
        names |= keras_read & bridge_read
    return names


def _import(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _namespace_module(lib_name, namespace):
    module = _import(lib_name)
    for part in namespace.split(".") if namespace else ():
        module = getattr(module, part, None) if module is not None else None
        if not isinstance(module, types.ModuleType):
            return _import(f"{lib_name}.{namespace}")
    return module


def spread_to_aliases(namespaces):
    """Verified names plus their aliases: names bound to the very same objects in both libraries.

    `keras.ops.nn.relu is keras.ops.relu` and `keras.layers.Convolution2D is keras.layers.Conv2D`;
    when kerasbridge binds the two names to one object as well, a test of one tests the other.

    Args:
        namespaces: `{namespace: (keras_objects, bridge_objects, verified)}`, where the objects are
            `{name: object}` dicts and `verified` the names verified directly.

    Returns:
        `{namespace: verified names, aliases included}`.
    """
    def key(keras_objects, bridge_objects, name):
        keras_object, bridge_object = keras_objects.get(name), bridge_objects.get(name)
        if callable(keras_object) and callable(bridge_object):
            return id(keras_object), id(bridge_object)
        return None

    verified_pairs = {
        key(k_objects, b_objects, name)
        for k_objects, b_objects, verified in namespaces.values() for name in verified
    } - {None}
    return {
        namespace: set(verified) | {
            name for name in set(k_objects) & set(b_objects) if key(k_objects, b_objects, name) in verified_pairs
        }
        for namespace, (k_objects, b_objects, verified) in namespaces.items()
    }


def build_reports(record, namespaces=NAMESPACES):
    """One `NamespaceReport` per namespace, from the installed libraries and a test record."""
    found = {}
    for namespace in namespaces:
        keras_module = _namespace_module("keras", namespace)
        bridge_module = _namespace_module("kerasbridge", namespace)
        keras_names = public_names(keras_module) if keras_module is not None else set()
        bridge_names = bridge_public_names(bridge_module, keras_names) if bridge_module is not None else set()
        found[namespace] = (
            {name: getattr(keras_module, name) for name in keras_names},
            {name: getattr(bridge_module, name) for name in bridge_names},
            verified_names(record, namespace),
        )
    verified = spread_to_aliases(found)
    return [
        count_namespace(namespace, keras_objects, bridge_objects, verified[namespace])
        for namespace, (keras_objects, bridge_objects, _) in found.items()
    ]


def _percent(part, whole):
    return f"{100.0 * part / whole:.1f}%" if whole else "n/a"


def format_report(reports, record, *, details=True):
    """The report's lines; the last is `api coverage: N/M (P%)` (N verified names of M)."""
    lines = []
    tests = record.get("tests", {})
    outcomes = [t.get("outcome") for t in tests.values()]
    lines.append(
        f"conformance record: {len(tests)} tests, {outcomes.count('passed')} passed, "
        f"{outcomes.count('failed')} failed, {outcomes.count('skipped')} skipped"
        + ("" if tests else " (no record: run the suite with " + RECORD_ENV + " set)")
    )
    lines.append(f"{'namespace':<24}{'present/total':>20}{'verified/total':>22}")
    for r in reports:
        name = f"keras.{r.namespace}" if r.namespace else "keras"
        present = f"{r.present}/{r.total} ({_percent(r.present, r.total)})"
        verified = f"{r.verified}/{r.total} ({_percent(r.verified, r.total)})"
        lines.append(f"{name:<24}{present:>20}{verified:>22}")
    if details:
        for r in reports:
            name = f"keras.{r.namespace}" if r.namespace else "keras"
            for label, names in (("missing", r.missing), ("unverified", r.unverified),
                                 ("extensions (kerasbridge only)", r.extensions)):
                if names:
                    lines.append(f"{name} {label} ({len(names)}): {', '.join(names)}")
    total = sum(r.total for r in reports)
    present = sum(r.present for r in reports)
    verified = sum(r.verified for r in reports)
    lines.append(f"api present: {present}/{total} ({_percent(present, total)})")
    lines.append(f"api coverage: {verified}/{total} ({_percent(verified, total)})")
    return lines


def format_markdown(reports):
    """A README table: namespace, present, verified."""
    lines = ["| namespace | present | verified |", "|---|---|---|"]
    for r in reports:
        name = f"keras.{r.namespace}" if r.namespace else "keras"
        lines.append(f"| `{name}` | {r.present}/{r.total} | {r.verified}/{r.total} |")
    total = sum(r.total for r in reports)
    present, verified = sum(r.present for r in reports), sum(r.verified for r in reports)
    lines.append(f"| **all** | **{present}/{total}** | **{verified}/{total} ({_percent(verified, total)})** |")
    return lines


def load_record(path):
    if not path or not os.path.exists(path):
        return {}
    with open(path) as handle:
        return json.load(handle)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", default=os.environ.get(RECORD_ENV) or DEFAULT_RECORD,
                        help="JSON written by a pytest run of compat_tests with KERASBRIDGE_API_RECORD set")
    parser.add_argument("--markdown", action="store_true", help="print the README table instead")
    parser.add_argument("--brief", action="store_true", help="leave out the lists of names")
    parser.add_argument("--check", action="store_true", help="exit 1 when the recorded run had failures")
    args = parser.parse_args(argv)
    os.environ.setdefault("KERAS_BACKEND", "torch")
    record = load_record(args.record)
    reports = build_reports(record)
    lines = format_markdown(reports) if args.markdown else format_report(reports, record, details=not args.brief)
    print("\n".join(lines))
    failed = [t for t in record.get("tests", {}).values() if t.get("outcome") == "failed"]
    return 1 if args.check and (failed or record.get("exitstatus", 0) not in (0, 5)) else 0


# --- the recorder: pytest hooks imported by compat_tests/conftest.py --------------------------------

_SINK = None  # the set a running test's attribute reads go to, or None
_RESULTS = {}
_TOUCHED = pytest.StashKey()


class _RecordingModule(types.ModuleType):
    """A namespace module that notes `(module name, attribute)` for every public attribute read."""

    def __getattribute__(self, name):
        value = super().__getattribute__(name)
        if _SINK is not None and not name.startswith("_"):
            _SINK.add((super().__getattribute__("__name__"), name))
        return value


def install_recorder(namespaces=NAMESPACES):
    """Makes the namespace modules of both libraries record reads (idempotent)."""
    for lib_name in ("keras", "kerasbridge"):
        for namespace in namespaces:
            module = _namespace_module(lib_name, namespace)
            if module is not None and type(module) is types.ModuleType:
                module.__class__ = _RecordingModule


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    global _SINK
    install_recorder()
    touched = set()
    _SINK = touched
    try:
        yield
    finally:
        _SINK = None
        item.stash[_TOUCHED] = touched


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        status = "xfailed" if hasattr(report, "wasxfail") else report.outcome
        touched = item.stash.get(_TOUCHED, set())
        grouped = {}
        for module_name, name in touched:
            grouped.setdefault(module_name, set()).add(name)
        _RESULTS[item.nodeid] = {"outcome": status, "touched": {k: sorted(v) for k, v in grouped.items()}}


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get(RECORD_ENV)
    if not path:
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as handle:
        json.dump({"exitstatus": int(exitstatus), "tests": _RESULTS}, handle, indent=0, sort_keys=True)


if __name__ == "__main__":
    sys.exit(main())
