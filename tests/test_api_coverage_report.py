"""Unit tests of the counting in compat_tests/api_coverage.py, on fake namespaces and records."""

import importlib.util
import pathlib
import types

import pytest

_PATH = pathlib.Path(__file__).resolve().parents[1] / "compat_tests" / "api_coverage.py"


@pytest.fixture(scope="module")
def api_coverage():
    spec = importlib.util.spec_from_file_location("api_coverage_under_test", _PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _namespace(name, **attributes):
    module = types.ModuleType(name)
    for key, value in attributes.items():
        setattr(module, key, value)
    return module


def _function(module_name):
    def function():
        return None

    function.__module__ = module_name
    return function


def test_public_names_leave_out_private_names_and_submodules(api_coverage):
    fake = _namespace("fakekeras.layers", Dense=object, relu=len, _private=1, sub=types.ModuleType("sub"))
    assert api_coverage.public_names(fake) == {"Dense", "relu"}


def test_bridge_names_count_keras_names_and_own_objects_but_not_imported_helpers(api_coverage):
    fake = _namespace(
        "kerasbridge.fake", Dense=_function("torch.nn"), own=_function("kerasbridge.fake.impl"),
        helper=_function("kerasbridge.utils"), CONSTANT=3,
    )
    assert api_coverage.bridge_public_names(fake, {"Dense"}) == {"Dense", "own"}


def test_count_namespace_splits_missing_unverified_and_extensions(api_coverage):
    report = api_coverage.count_namespace(
        "layers", keras_names={"A", "B", "C", "D"}, bridge_names={"A", "B", "C", "Extra"},
        verified_names={"A", "D", "Extra"},
    )
    assert (report.total, report.present, report.verified) == (4, 3, 1)
    assert report.missing == ["D"]
    assert report.unverified == ["B", "C"]
    assert report.extensions == ["Extra"]


def _record(**tests):
    return {"tests": {nodeid: {"outcome": outcome, "touched": touched} for nodeid, (outcome, touched) in tests.items()}}


def test_only_passing_tests_reading_both_libraries_verify_a_name(api_coverage):
    both = {"keras.layers": ["Dense", "Conv1D"], "kerasbridge.layers": ["Dense"]}
    record = _record(**{
        "t.py::test_dense": ("passed", both),
        "t.py::test_skipped": ("skipped", {"keras.layers": ["Flatten"], "kerasbridge.layers": ["Flatten"]}),
        "t.py::test_failed": ("failed", {"keras.layers": ["Add"], "kerasbridge.layers": ["Add"]}),
        "t.py::test_xfail": ("xfailed", {"keras.layers": ["Dot"], "kerasbridge.layers": ["Dot"]}),
    })
    assert api_coverage.verified_names(record, "layers") == {"Dense"}
    assert api_coverage.verified_names(record, "losses") == set()


def test_top_level_namespace_uses_the_bare_library_keys(api_coverage):
    record = _record(**{"t.py::test_model": ("passed", {"keras": ["Model"], "kerasbridge": ["Model", "Input"]})})
    assert api_coverage.verified_names(record, "") == {"Model"}


def test_inventory_tests_verify_nothing(api_coverage):
    many = [f"name{i}" for i in range(api_coverage.INVENTORY_READ_LIMIT + 1)]
    record = _record(**{
        "t.py::test_public_names_match_keras": ("passed", {"keras.ops": ["add"], "kerasbridge.ops": ["add"]}),
        "t.py::test_loops_over_everything": ("passed", {"keras.ops": many, "kerasbridge.ops": many}),
    })
    assert api_coverage.verified_names(record, "ops") == set()


def test_report_ends_with_the_coverage_line_over_all_names(api_coverage):
    reports = [
        api_coverage.count_namespace("layers", {"A", "B", "C"}, {"A", "B"}, {"A"}),
        api_coverage.count_namespace("ops", {"x"}, {"x"}, {"x"}),
    ]
    lines = api_coverage.format_report(reports, {"tests": {}})
    assert lines[-1] == "api coverage: 2/4 (50.0%)"
    assert lines[-2] == "api present: 3/4 (75.0%)"
    assert any(line.startswith("keras.layers missing (1): C") for line in lines)
    table = api_coverage.format_markdown(reports)
    assert "| `keras.layers` | 2/3 | 1/3 |" in table
    assert table[-1] == "| **all** | **3/4** | **2/4 (50.0%)** |"


def test_recording_module_notes_public_reads_only_while_a_sink_is_set(api_coverage, monkeypatch):
    fake = _namespace("fakekeras.ops", add=len)
    fake.__class__ = api_coverage._RecordingModule
    assert fake.add is len  # no sink: nothing recorded, nothing raised
    sink = set()
    monkeypatch.setattr(api_coverage, "_SINK", sink)
    assert fake.add is len
    assert fake.__name__ == "fakekeras.ops"  # a private name: not recorded
    assert sink == {("fakekeras.ops", "add")}


def test_aliases_share_verification_only_when_both_libraries_alias(api_coverage):
    def relu():
        return None

    def bridge_relu():
        return None

    def other():
        return None

    found = {
        "ops": ({"relu": relu, "add": len}, {"relu": bridge_relu, "add": abs}, {"relu"}),
        "ops.nn": ({"relu": relu, "add": len}, {"relu": bridge_relu, "add": other}, set()),
        "layers": ({"Conv2D": int, "Convolution2D": int}, {"Conv2D": float, "Convolution2D": str}, {"Conv2D"}),
    }
    verified = api_coverage.spread_to_aliases(found)
    assert verified["ops.nn"] == {"relu"}  # the same objects as the verified ops.relu, in both libraries
    assert verified["ops"] == {"relu"}
    assert verified["layers"] == {"Conv2D"}  # kerasbridge's Convolution2D is another class: not an alias
