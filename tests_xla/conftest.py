"""tests_xla/: the TPU path through torch-xla, run by `nox -s xla` (torch 2.9.0 + torch-xla 2.9.0).

PJRT runs on the CPU here (`PJRT_DEVICE=CPU`), so these tests check the engine's XLA
integration (device placement, graph boundaries, compile counts), not TPU speed.
"""

import os

os.environ.setdefault("PJRT_DEVICE", "CPU")
os.environ.setdefault("TPU_SKIP_MDS_QUERY", "1")  # no cloud-metadata probe off Google Cloud

import pytest  # noqa: E402

torch_xla = pytest.importorskip("torch_xla", reason="tests_xla needs torch-xla: run `nox -s xla`")
