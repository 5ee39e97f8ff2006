"""kerasbridge.callbacks: hooks into `fit`, `evaluate` and `predict` (mirrors `keras.callbacks`)."""

from kerasbridge.callbacks.backup_and_restore import BackupAndRestore
from kerasbridge.callbacks.callback import Callback
from kerasbridge.callbacks.callback_list import CallbackList
from kerasbridge.callbacks.csv_logger import CSVLogger
from kerasbridge.callbacks.early_stopping import EarlyStopping
from kerasbridge.callbacks.history import History
from kerasbridge.callbacks.lambda_callback import LambdaCallback
from kerasbridge.callbacks.learning_rate_scheduler import LearningRateScheduler
from kerasbridge.callbacks.model_checkpoint import ModelCheckpoint
from kerasbridge.callbacks.progbar_logger import ProgbarLogger
from kerasbridge.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from kerasbridge.callbacks.remote_monitor import RemoteMonitor
from kerasbridge.callbacks.swap_ema_weights import SwapEMAWeights
from kerasbridge.callbacks.tensorboard import TensorBoard
from kerasbridge.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "BackupAndRestore",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "RemoteMonitor",
    "SwapEMAWeights",
    "TensorBoard",
    "TerminateOnNaN",
]
