"""`update_state` of every metric must never read device values back to the host."""

import pytest
import torch
from torch.overrides import TorchFunctionMode

from kerasbridge import metrics

SYNCING = {"item", "tolist", "cpu", "numpy", "__bool__", "__float__", "__int__", "__index__"}


class ForbidHostReads(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name in SYNCING:
            raise AssertionError(f"host sync via Tensor.{name}")
        return func(*args, **(kwargs or {}))


def _inputs(kind, device):
    gen = torch.Generator().manual_seed(0)
    if kind == "binary":
        y_true = torch.randint(0, 2, (6, 3), generator=gen).float()
        y_pred = torch.rand(6, 3, generator=gen)
    elif kind == "categorical":
        y_true = torch.eye(4)[torch.randint(0, 4, (6,), generator=gen)]
        y_pred = torch.softmax(torch.randn(6, 4, generator=gen), -1)
    elif kind == "sparse":
        y_true = torch.randint(0, 4, (6,), generator=gen)
        y_pred = torch.softmax(torch.randn(6, 4, generator=gen), -1)
    elif kind == "segmentation":
        y_true = torch.randint(0, 3, (6, 4), generator=gen)
        y_pred = torch.randint(0, 3, (6, 4), generator=gen)
    elif kind == "onehot_segmentation":
        y_true = torch.eye(3)[torch.randint(0, 3, (6, 4), generator=gen)]
        y_pred = torch.rand(6, 4, 3, generator=gen)
    elif kind == "positive":
        y_true = torch.rand(6, 3, generator=gen) + 0.1
        y_pred = torch.rand(6, 3, generator=gen) + 0.1
    else:
        y_true = torch.randn(6, 3, generator=gen)
        y_pred = torch.randn(6, 3, generator=gen)
    weight = torch.rand(6, generator=gen)
    return y_true.to(device), y_pred.to(device), weight.to(device)


CASES = [
    (lambda: metrics.Accuracy(), "sparse_as_float"),
    (lambda: metrics.BinaryAccuracy(), "binary"),
    (lambda: metrics.CategoricalAccuracy(), "categorical"),
    (lambda: metrics.SparseCategoricalAccuracy(), "sparse"),
    (lambda: metrics.TopKCategoricalAccuracy(k=2), "categorical"),
    (lambda: metrics.SparseTopKCategoricalAccuracy(k=2), "sparse"),
    (lambda: metrics.AUC(), "binary"),
    (lambda: metrics.AUC(curve="PR", thresholds=[0.2, 0.7]), "binary"),
    (lambda: metrics.AUC(multi_label=True), "binary"),
    (lambda: metrics.Precision(), "binary"),
    (lambda: metrics.Precision(top_k=2, class_id=1), "binary"),
    (lambda: metrics.Recall(thresholds=[0.0, 0.5, 1.0]), "binary"),
    (lambda: metrics.TruePositives(), "binary"),
    (lambda: metrics.TrueNegatives(), "binary"),
    (lambda: metrics.FalsePositives(), "binary"),
    (lambda: metrics.FalseNegatives(), "binary"),
    (lambda: metrics.PrecisionAtRecall(0.5), "binary"),
    (lambda: metrics.RecallAtPrecision(0.5), "binary"),
    (lambda: metrics.SensitivityAtSpecificity(0.5), "binary"),
    (lambda: metrics.SpecificityAtSensitivity(0.5), "binary"),
    (lambda: metrics.F1Score(average="macro"), "binary"),
    (lambda: metrics.FBetaScore(beta=2.0, threshold=0.5), "binary"),
    (lambda: metrics.IoU(3, [0, 1]), "segmentation"),
    (lambda: metrics.MeanIoU(3, ignore_class=0), "segmentation"),
    (lambda: metrics.BinaryIoU(), "binary"),
    (lambda: metrics.OneHotIoU(3, [1, 2]), "onehot_segmentation"),
    (lambda: metrics.OneHotMeanIoU(3), "onehot_segmentation"),
    (lambda: metrics.MeanSquaredError(), "regression"),
    (lambda: metrics.RootMeanSquaredError(), "regression"),
    (lambda: metrics.MeanAbsoluteError(), "regression"),
    (lambda: metrics.MeanAbsolutePercentageError(), "positive"),
    (lambda: metrics.MeanSquaredLogarithmicError(), "positive"),
    (lambda: metrics.CosineSimilarity(), "regression"),
    (lambda: metrics.LogCoshError(), "regression"),
    (lambda: metrics.R2Score(num_regressors=1), "regression"),
    (lambda: metrics.Hinge(), "regression"),
    (lambda: metrics.SquaredHinge(), "regression"),
    (lambda: metrics.CategoricalHinge(), "categorical"),
    (lambda: metrics.KLDivergence(), "positive"),
    (lambda: metrics.Poisson(), "positive"),
    (lambda: metrics.BinaryCrossentropy(), "binary"),
    (lambda: metrics.CategoricalCrossentropy(), "categorical"),
    (lambda: metrics.SparseCategoricalCrossentropy(), "sparse"),
    (lambda: metrics.PearsonCorrelation(), "regression"),
    (lambda: metrics.ConcordanceCorrelation(), "regression"),
]


def _make(factory, kind, device):
    metric = factory().to(device)
    if kind == "sparse_as_float":
        y_true, y_pred, weight = _inputs("sparse", device)
        y_pred = y_pred.argmax(-1).float()
    else:
        y_true, y_pred, weight = _inputs(kind, device)
    if kind in ("segmentation", "onehot_segmentation") or isinstance(metric, metrics.BinaryIoU):
        weight = None  # integer confusion matrices: weights are covered by the compat sweep
    return metric, y_true, y_pred, weight


@pytest.mark.parametrize("factory, kind", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_update_state_reads_nothing_back_to_the_host(factory, kind):
    metric, y_true, y_pred, weight = _make(factory, kind, "cpu")
    metric.update_state(y_true, y_pred)  # builds lazily created state outside the check
    with ForbidHostReads():
        metric.update_state(y_true, y_pred, sample_weight=weight)


@pytest.mark.parametrize("factory, kind", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_result_is_a_tensor_on_the_metric_device(factory, kind):
    metric, y_true, y_pred, weight = _make(factory, kind, "cpu")
    metric.update_state(y_true, y_pred, sample_weight=weight)
    result = metric.result()
    assert isinstance(result, torch.Tensor) and result.device == metric.device


def test_mean_update_state_reads_nothing_back():
    metric = metrics.Mean()
    with ForbidHostReads():
        metric.update_state(torch.ones(4, 2), sample_weight=torch.ones(4))


def test_sum_update_state_reads_nothing_back():
    metric = metrics.Sum()
    with ForbidHostReads():
        metric.update_state(torch.ones(4, 2))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("factory, kind", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_update_state_on_cuda_never_synchronizes(factory, kind):
    metric, y_true, y_pred, weight = _make(factory, kind, "cuda")
    metric.update_state(y_true, y_pred)
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        metric.update_state(y_true, y_pred, sample_weight=weight)
    finally:
        torch.cuda.set_sync_debug_mode("default")
