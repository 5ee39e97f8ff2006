"""kerasbridge.callbacks: hooks into `fit`, `evaluate` and `predict` (mirrors `keras.callbacks`)."""

from kerasbridge.callbacks.callback import Callback
from kerasbridge.callbacks.callback_list import CallbackList
from kerasbridge.callbacks.early_stopping import EarlyStopping
from kerasbridge.callbacks.history import History
from kerasbridge.callbacks.lambda_callback import LambdaCallback
from kerasbridge.callbacks.learning_rate_scheduler import LearningRateScheduler
from kerasbridge.callbacks.progbar_logger import ProgbarLogger
from kerasbridge.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ProgbarLogger",
    "TerminateOnNaN",
]
