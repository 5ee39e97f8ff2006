"""What `compile(loss=..., metrics=...)` turns into: per-output losses and metrics, Keras-named.

`CompileLoss` maps the user's loss spec (one loss, a list per output, or a dict keyed by
output name, with optional `loss_weights`) onto the model's outputs, and tracks one
`<output>_loss` mean per output when there are several. `CompileMetrics` does the same
for `metrics` and `weighted_metrics`, resolving `"accuracy"` from the shapes the way
Keras does, and names results `accuracy`, `out_accuracy`, `weighted_accuracy`, ...
Both are built lazily on the first batch, when the shapes are known.
"""

from __future__ import annotations

import torch

from kerasbridge.utils import tree


def _object_name(obj) -> str:
    name = getattr(obj, "name", None)
    if isinstance(name, str):
        return name
    name = getattr(obj, "__name__", None) or type(obj).__name__
    from kerasbridge.backend.naming import to_snake_case

    return name if hasattr(obj, "__name__") else to_snake_case(name)


def _is_binary_or_sparse(y_true, y_pred) -> tuple[bool, bool]:
    y_true_rank, y_pred_rank = len(y_true.shape), len(y_pred.shape)
    y_true_last = y_true.shape[-1] if y_true_rank else 1
    y_pred_last = y_pred.shape[-1] if y_pred_rank else 1
    is_binary = y_pred_last == 1
    is_sparse = y_true_rank < y_pred_rank or (y_true_last == 1 and y_pred_last > 1)
    return is_binary, is_sparse


def resolve_metric(identifier, y_true, y_pred):
    """A Metric object for `identifier`; `"accuracy"`/`"acc"` pick the variant from the shapes."""
    from kerasbridge import metrics as metrics_module

    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    if str(identifier).lower() in ("accuracy", "acc"):
        is_binary, is_sparse = _is_binary_or_sparse(y_true, y_pred)
        if is_binary:
            metric = metrics_module.BinaryAccuracy(name=str(identifier))
        elif is_sparse:
            metric = metrics_module.SparseCategoricalAccuracy(name=str(identifier))
        else:
            metric = metrics_module.CategoricalAccuracy(name=str(identifier))
    else:
        metric = metrics_module.get(identifier)
    name = identifier if isinstance(identifier, str) else _object_name(metric)
    if not isinstance(metric, metrics_module.Metric):
        metric = metrics_module.MeanMetricWrapper(metric)
    metric.name = name
    return metric


def resolve_loss(identifier, y_true, y_pred):
    """A Loss object for `identifier`; `"crossentropy"`/`"ce"` pick the variant from the shapes."""
    from kerasbridge import losses as losses_module

    if identifier is None:
        return None
    if str(identifier).lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = _is_binary_or_sparse(y_true, y_pred)
        if is_binary:
            loss = losses_module.binary_crossentropy
        elif is_sparse:
            loss = losses_module.sparse_categorical_crossentropy
        else:
            loss = losses_module.categorical_crossentropy
    else:
        loss = losses_module.get(identifier)
    if not isinstance(loss, losses_module.Loss):
        from kerasbridge.losses.losses import LossFunctionWrapper

        name = identifier if isinstance(identifier, str) else _object_name(loss)
        loss = LossFunctionWrapper(loss, name=name)
    return loss


def validate_loss_identifiers(loss, output_names: list[str] | None) -> None:
    """Raise `ValueError` at compile time for unknown names or dict keys that are no output."""
    from kerasbridge import losses as losses_module

    if isinstance(loss, dict) and output_names:
        unknown = [key for key in loss if key not in output_names]
        if unknown:
            raise ValueError(
                f"In the dict argument `loss`, key '{unknown[0]}' does not correspond to any model output. "
                f"Received:\nloss={loss}\nwhile the model's output names are {output_names}."
            )
    for item in tree.flatten(loss):
        if isinstance(item, str) and item.lower() not in ("crossentropy", "ce"):
            losses_module.get(item)


def validate_metric_identifiers(metrics, output_names: list[str] | None, argument: str) -> None:
    from kerasbridge import metrics as metrics_module

    if isinstance(metrics, dict) and output_names:
        unknown = [key for key in metrics if key not in output_names]
        if unknown:
            raise ValueError(
                f"In the dict argument `{argument}`, key '{unknown[0]}' does not correspond to any model "
                f"output. Received:\n{argument}={metrics}\nwhile the model's output names are {output_names}."
            )
    for item in tree.flatten(metrics):
        if isinstance(item, str) and item.lower() not in ("accuracy", "acc"):
            metrics_module.get(item)


class _OutputMetrics:
    """The metrics of one output, with the output's name as prefix when there are several."""

    def __init__(self, metrics: list, output_name: str | None):
        self.metrics = metrics
        self.output_name = output_name


def _per_output(spec, output_names: list[str] | None, num_outputs: int):
    """Spread a loss/metric spec over the flat outputs: one entry per output (or None)."""
    if num_outputs == 1:
        if isinstance(spec, dict):
            if output_names and set(spec) <= set(output_names):
                return [spec.get(output_names[0])]
            return [next(iter(spec.values()), None)]
        if isinstance(spec, (list, tuple)) and len(spec) == 1 and not isinstance(spec, str):
            return [spec[0]]
        return [spec]
    if isinstance(spec, dict):
        names = output_names or []
        return [spec.get(name) for name in names]
    if isinstance(spec, (list, tuple)) and len(spec) == num_outputs:
        return list(spec)
    return [spec] * num_outputs


class CompileLoss:
    """The compiled loss: one loss per output, weighted and summed.

    Args:
        loss: A loss (name, function or `Loss`), a list with one per output, or a dict by output name.
        loss_weights: Optional scalar weights, list or dict, matching `loss`.
        output_names: The model's output names (for dicts and `<name>_loss` metrics).
    """

    def __init__(self, loss, loss_weights=None, output_names: list[str] | None = None):
        self._user_loss = loss
        self._user_loss_weights = loss_weights
        self.output_names = output_names
        self.built = False
        self._flat_losses: list = []
        self.metrics: list = []

    def build(self, y_true_flat: list, y_pred_flat: list) -> None:
        from kerasbridge import metrics as metrics_module

        num_outputs = len(y_pred_flat)
        losses = _per_output(self._user_loss, self.output_names, num_outputs)
        if self._user_loss_weights is None:
            weights = [None] * num_outputs
        else:
            weights = _per_output(self._user_loss_weights, self.output_names, num_outputs)
            if isinstance(self._user_loss_weights, (list, tuple)) and len(self._user_loss_weights) != num_outputs:
                raise ValueError(
                    f"`loss_weights` must match the number of losses, got {num_outputs} losses "
                    f"and {len(self._user_loss_weights)} weights."
                )
        names = self.output_names if self.output_names and len(self.output_names) == num_outputs else [
            None
        ] * num_outputs
        self._flat_losses = []
        for index, (spec, weight, name) in enumerate(zip(losses, weights, names)):
            loss = resolve_loss(spec, y_true_flat[index], y_pred_flat[index])
            if loss is not None:
                self._flat_losses.append((index, loss, weight, name or loss.name))
        if len(self._flat_losses) > 1:
            self.metrics = [metrics_module.Mean(name=f"{name}_loss") for _, _, _, name in self._flat_losses]
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred_flat = tree.flatten(y_pred)
        y_true_flat = _align(y_true, y_pred, self.output_names)
        if not self.built:
            self.build(y_true_flat, y_pred_flat)
        weights_flat = _align(sample_weight, y_pred, self.output_names) if tree.is_nested(sample_weight) else None
        total = None
        for position, (index, loss, weight, _) in enumerate(self._flat_losses):
            sw = weights_flat[index] if weights_flat is not None else sample_weight
            value = loss(y_true_flat[index], y_pred_flat[index], sw)
            if self.metrics:
                self.metrics[position].update_state(value, sample_weight=y_pred_flat[index].shape[0])
            if weight is not None:
                value = value * weight
            total = value if total is None else total + value
        return total


def _align(y, y_pred, output_names):
    """Flatten `y` in the order of the flattened `y_pred` (dicts by output name or key)."""
    if y is None:
        return [None] * len(tree.flatten(y_pred))
    if isinstance(y, dict) and not isinstance(y_pred, dict) and output_names:
        missing = [n for n in output_names if n not in y]
        if missing:
            raise ValueError(
                f"Found unexpected or missing keys in the targets: expected keys {output_names}, "
                f"received keys {list(y)}."
            )
        return [y[name] for name in output_names]
    if isinstance(y_pred, dict) and isinstance(y, dict):
        return [y[k] for k in sorted(y_pred)]
    flat = tree.flatten(y)
    expected = len(tree.flatten(y_pred))
    if len(flat) != expected:
        if expected == 1:
            return [y]
        raise ValueError(
            f"y_true and y_pred have different structures: {len(flat)} target(s) for {expected} output(s)."
        )
    return flat


class CompileMetrics:
    """The compiled metrics and weighted metrics, per output, with Keras's result names."""

    def __init__(self, metrics, weighted_metrics, output_names: list[str] | None = None):
        self._user_metrics = metrics
        self._user_weighted_metrics = weighted_metrics
        self.output_names = output_names
        self.built = False
        self._flat_metrics: list = []
        self._flat_weighted_metrics: list = []
        self.name = "compile_metrics"

    def _build_set(self, spec, y_true_flat, y_pred_flat):
        num_outputs = len(y_pred_flat)
        if not spec:
            return [None] * num_outputs
        names = self.output_names if self.output_names and len(self.output_names) == num_outputs else [
            None
        ] * num_outputs
        if num_outputs == 1:
            items = tree.flatten(spec)
            return [_OutputMetrics([resolve_metric(m, y_true_flat[0], y_pred_flat[0]) for m in items], None)]
        per_output = _per_output(spec, self.output_names, num_outputs)
        result = []
        for index, item in enumerate(per_output):
            if item is None:
                result.append(None)
                continue
            items = item if isinstance(item, (list, tuple)) else [item]
            result.append(_OutputMetrics(
                [resolve_metric(m, y_true_flat[index], y_pred_flat[index]) for m in items], names[index]
            ))
        return result

    def build(self, y_true_flat, y_pred_flat) -> None:
        self._flat_metrics = self._build_set(self._user_metrics, y_true_flat, y_pred_flat)
        self._flat_weighted_metrics = self._build_set(self._user_weighted_metrics, y_true_flat, y_pred_flat)
        self.built = True

    @property
    def metrics(self) -> list:
        found = []
        for group in self._flat_metrics + self._flat_weighted_metrics:
            if group is not None:
                found.extend(group.metrics)
        return found

    @property
    def variables(self) -> list:
        return [v for m in self.metrics for v in m.variables]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred_flat = tree.flatten(y_pred)
        y_true_flat = _align(y_true, y_pred, self.output_names)
        if not self.built:
            self.build(y_true_flat, y_pred_flat)
        for group, y_t, y_p in zip(self._flat_metrics, y_true_flat, y_pred_flat):
            if group is not None:
                for metric in group.metrics:
                    metric.update_state(y_t, y_p)
        if sample_weight is None:
            weights = [None] * len(y_pred_flat)
        elif tree.is_nested(sample_weight):
            weights = _align(sample_weight, y_pred, self.output_names)
        else:
            weights = [sample_weight] * len(y_pred_flat)
        for group, y_t, y_p, sw in zip(self._flat_weighted_metrics, y_true_flat, y_pred_flat, weights):
            if group is not None:
                for metric in group.metrics:
                    metric.update_state(y_t, y_p, sample_weight=sw)

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

    def result(self) -> dict[str, torch.Tensor]:
        results: dict = {}
        counters: dict = {}
        for group in self._flat_metrics:
            if group is None:
                continue
            for metric in group.metrics:
                name = f"{group.output_name}_{metric.name}" if group.output_name else metric.name
                if name in counters:
                    counters[name] += 1
                    name = f"{name}_{counters[name] - 1}"
                else:
                    counters[name] = 1
                results[name] = metric.result()
        for group in self._flat_weighted_metrics:
            if group is None:
                continue
            for metric in group.metrics:
                name = f"{group.output_name}_{metric.name}" if group.output_name else metric.name
                if name in counters:
                    name = f"weighted_{metric.name}"
                    if group.output_name:
                        name = f"{group.output_name}_{name}"
                    if name in counters:
                        counters[name] += 1
                        name = f"{name}_{counters[name] - 1}"
                    else:
                        counters[name] = 1
                else:
                    counters[name] = 1
                results[name] = metric.result()
        return results
