"""kerasbridge.engine: compile/fit/evaluate/predict, driven by PyTorch Lightning.

This is the only package that imports `lightning`; it does so on first use (inside
`engine.loops`), so `import kerasbridge` stays light.
"""

# scale-out: extra lightning.Trainer arguments (the escape hatch; see engine/strategy.py)
from kerasbridge.engine.strategy import get_trainer_kwargs, set_trainer_kwargs  # noqa: E402,F401
