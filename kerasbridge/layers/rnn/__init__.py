"""Recurrent layers: RNN, SimpleRNN, LSTM, GRU, their cells, Bidirectional and TimeDistributed."""

from kerasbridge.layers.rnn.bidirectional import Bidirectional
from kerasbridge.layers.rnn.conv_lstm1d import ConvLSTM1D
from kerasbridge.layers.rnn.conv_lstm2d import ConvLSTM2D
from kerasbridge.layers.rnn.conv_lstm3d import ConvLSTM3D
from kerasbridge.layers.rnn.gru import GRU
from kerasbridge.layers.rnn.gru_cell import GRUCell
from kerasbridge.layers.rnn.lstm import LSTM
from kerasbridge.layers.rnn.lstm_cell import LSTMCell
from kerasbridge.layers.rnn.rnn import RNN
from kerasbridge.layers.rnn.simple_rnn import SimpleRNN
from kerasbridge.layers.rnn.simple_rnn_cell import SimpleRNNCell
from kerasbridge.layers.rnn.stacked_rnn_cells import StackedRNNCells
from kerasbridge.layers.rnn.time_distributed import TimeDistributed

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "Bidirectional",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
    "GRUCell",
    "LSTMCell",
    "SimpleRNN",
    "SimpleRNNCell",
    "StackedRNNCells",
    "TimeDistributed",
]
