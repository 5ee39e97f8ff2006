"""kerasbridge.layers: Keras 3's layers, each a `torch.nn.Module`."""

from kerasbridge.layers.activations.activation import Activation
from kerasbridge.layers.core.dense import Dense
from kerasbridge.layers.core.embedding import Embedding
from kerasbridge.layers.core.identity import Identity
from kerasbridge.layers.core.input_layer import Input, InputLayer
from kerasbridge.layers.core.lambda_layer import Lambda
from kerasbridge.layers.core.masking import Masking
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.merging.add import Add, add
from kerasbridge.layers.merging.average import Average, average
from kerasbridge.layers.merging.concatenate import Concatenate, concatenate
from kerasbridge.layers.merging.dot import Dot, dot
from kerasbridge.layers.merging.maximum import Maximum, maximum
from kerasbridge.layers.merging.minimum import Minimum, minimum
from kerasbridge.layers.merging.multiply import Multiply, multiply
from kerasbridge.layers.merging.subtract import Subtract, subtract
from kerasbridge.layers.regularization.dropout import Dropout
from kerasbridge.layers.reshaping.flatten import Flatten
from kerasbridge.layers.reshaping.reshape import Reshape

__all__ = [
    "Activation",
    "Add",
    "Average",
    "Concatenate",
    "Dense",
    "Dot",
    "Dropout",
    "Embedding",
    "Flatten",
    "Identity",
    "Input",
    "InputLayer",
    "InputSpec",
    "Lambda",
    "Layer",
    "Masking",
    "Maximum",
    "Minimum",
    "Multiply",
    "Reshape",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]
