"""AdamW: Adam with decoupled weight decay (on by default)."""

from __future__ import annotations

from kerasbridge.optimizers.adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay `w -= w * weight_decay * lr` before each update.

    Args:
        learning_rate: Float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        weight_decay: Float, the decay rate. Defaults to `0.004`.
        beta_1: Float, decay rate of the first moment. Defaults to `0.9`.
        beta_2: Float, decay rate of the second moment. Defaults to `0.999`.
        epsilon: Small constant added to `sqrt(v)`. Defaults to `1e-7`.
        amsgrad: Whether to use the AMSGrad variant.
        **kwargs: The common optimizer arguments, see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            name=name,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            **kwargs,
        )
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
