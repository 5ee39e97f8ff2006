"""Loss classes for structured outputs (CTC, Dice, Tversky, Circle), wrapping the functions of `structured`."""

from __future__ import annotations

from kerasbridge.losses.losses import _DEFAULT, _BuiltinLoss
from kerasbridge.losses.structured import circle, ctc, dice, tversky


class CTC(_BuiltinLoss):
    """Connectionist Temporal Classification loss (see `ctc`)."""

    def __init__(self, reduction=_DEFAULT, name="ctc", dtype=None):
        super().__init__(ctc, reduction, name, dtype)


class Dice(_BuiltinLoss):
    """Dice loss over the axes `axis` (all axes when `None`)."""

    _config_keys = ("axis",)

    def __init__(self, reduction=_DEFAULT, name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction, name, dtype, axis=axis)


class Tversky(_BuiltinLoss):
    """Tversky loss: false positives weighted by `alpha`, false negatives by `beta`."""

    _config_keys = ("alpha", "beta", "axis")

    def __init__(self, alpha=0.5, beta=0.5, reduction=_DEFAULT, name="tversky", axis=None, dtype=None):
        super().__init__(tversky, reduction, name, dtype, alpha=alpha, beta=beta, axis=axis)


class Circle(_BuiltinLoss):
    """Circle loss over L2-normalised embeddings and integer labels (see `circle`)."""

    _config_keys = ("gamma", "margin", "remove_diagonal")

    def __init__(
        self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction=_DEFAULT, name="circle", dtype=None
    ):
        super().__init__(
            circle, reduction, name, dtype, gamma=gamma, margin=margin, remove_diagonal=remove_diagonal
        )


__all__ = ["CTC", "Circle", "Dice", "Tversky"]
