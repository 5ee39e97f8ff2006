"""`audio_dataset_from_directory`: labelled batches of WAV files read from class subdirectories."""

from __future__ import annotations

import functools
import wave

import numpy as np
import torch

from kerasbridge.utils.dataset_from_directory_dataset import DirectoryDataset
from kerasbridge.utils.dataset_from_directory_index import check_labels_args, prepare_paths

ALLOWED_FORMATS = (".wav",)


def read_wav(path) -> tuple[np.ndarray, int]:
    """Decodes a PCM WAV file into float32 `(samples, channels)` values in `[-1, 1)` and its sampling rate.

    Samples of `b` bits are divided by `2 ** (b - 1)` (8-bit files, unsigned, are centred first),
    as TensorFlow's `decode_wav` does for 16-bit files.
    """
    with wave.open(str(path), "rb") as handle:
        channels, width, rate = handle.getnchannels(), handle.getsampwidth(), handle.getframerate()
        raw = handle.readframes(handle.getnframes())
    if width == 1:
        values = np.frombuffer(raw, dtype=np.uint8).astype("float32") - 128.0
    elif width == 3:
        bytes_ = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
        padded = np.zeros((len(bytes_), 4), dtype=np.uint8)
        padded[:, 1:] = bytes_  # little endian: the low byte stays zero, the sign lands in the top byte
        values = padded.view("<i4").reshape(-1).astype("float32") / 256.0
    elif width in (2, 4):
        values = np.frombuffer(raw, dtype=f"<i{width}").astype("float32")
    else:
        raise ValueError(f"Unsupported WAV sample width of {width} bytes in {path}; expected 1 to 4 bytes.")
    return values.reshape(-1, channels) / float(2 ** (8 * width - 1)), rate


def _resample(audio: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Linear-interpolation resampling of `(samples, channels)` audio from `rate_in` to `rate_out` Hz."""
    if rate_in == rate_out or len(audio) == 0:
        return audio
    length = max(1, round(len(audio) * rate_out / rate_in))
    signal = torch.from_numpy(np.ascontiguousarray(audio.T))[None]
    resampled = torch.nn.functional.interpolate(signal, size=length, mode="linear", align_corners=False)
    return resampled[0].T.numpy()


def load_audio(path, sampling_rate=None, output_sequence_length=None) -> torch.Tensor:
    """One WAV file as float32 `(samples, channels)`, resampled, then cut or zero-padded to the asked length."""
    audio, rate = read_wav(path)
    if sampling_rate is not None:
        audio = _resample(audio, rate, sampling_rate)
    if output_sequence_length is not None:
        fitted = np.zeros((output_sequence_length, audio.shape[1]), dtype="float32")
        fitted[:min(len(audio), output_sequence_length)] = audio[:output_sequence_length]
        audio = fitted
    return torch.from_numpy(np.ascontiguousarray(audio, dtype="float32"))


def _padded_batch(clips) -> torch.Tensor:
    """Stacks clips, zero-padding each to the longest one (like `tf.data.Dataset.padded_batch`)."""
    longest = max(len(clip) for clip in clips)
    batch = np.zeros((len(clips), longest, clips[0].shape[1]), dtype="float32")
    for row, clip in enumerate(clips):
        batch[row, :len(clip)] = clip.numpy()
    return torch.from_numpy(batch)


def _ragged_batch(clips) -> list:
    return list(clips)


def audio_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    sampling_rate=None,
    output_sequence_length=None,
    ragged=False,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    verbose=True,
):
    """Batches of audio clips (and labels) from a directory with one subdirectory of `.wav` files per class.

    Files are listed, labelled, shuffled and split exactly as Keras does and decoded with the
    standard `wave` module. Instead of a `tf.data.Dataset`, the result is a `DirectoryDataset`
    (a `PyDataset`) that `model.fit` accepts; its batches are float32 torch tensors of shape
    `(batch, samples, channels)`, zero-padded to the longest clip of the batch unless
    `output_sequence_length` fixes the length.

    Args:
        directory: Root directory; with `labels="inferred"` each subdirectory holds one class.
        labels: `"inferred"`, `None`, or a list of integer labels, one per file in sorted walk order.
        label_mode: `"int"`, `"categorical"` (one-hot), `"binary"` (float `(batch, 1)`) or `None`.
        class_names: Subdirectories to use, in this order (only with `labels="inferred"`).
        batch_size: Clips per batch; `None` yields single clips. Defaults to 32.
        sampling_rate: Resample every clip to this rate in Hz (linear interpolation).
        output_sequence_length: Cut or zero-pad every clip to this many samples.
        ragged: Return each batch as a list of clips of their own lengths.
        shuffle: Whether to shuffle the files (and reshuffle every epoch).
        seed: Seed of the shuffles; required with `validation_split` and `shuffle`.
        validation_split: Fraction of the files kept for validation.
        subset: `"training"`, `"validation"` or `"both"` (returns a pair of datasets).
        follow_links: Whether to follow symbolic links.
        verbose: Whether to print the number of files and classes found.

    Returns:
        A `DirectoryDataset` with `class_names` and `file_paths`, or a `(training, validation)`
        pair with `subset="both"`.
    """
    check_labels_args(labels, label_mode, class_names, "audio")
    if ragged and output_sequence_length is not None:
        raise ValueError("Cannot set both `ragged` and `output_sequence_length`")
    if sampling_rate is not None:
        if not isinstance(sampling_rate, int):
            raise ValueError(f"`sampling_rate` should have an integer value. Received: sampling_rate={sampling_rate}")
        if sampling_rate <= 0:
            raise ValueError(f"`sampling_rate` should be higher than 0. Received: sampling_rate={sampling_rate}")
    seed, class_names, parts = prepare_paths(
        directory, labels, label_mode, class_names, ALLOWED_FORMATS, shuffle, seed, validation_split, subset,
        follow_links, verbose,
    )
    load = functools.partial(load_audio, sampling_rate=sampling_rate, output_sequence_length=output_sequence_length)
    collate = _ragged_batch if ragged else _padded_batch
    datasets = []
    for name, paths, encoded in parts:
        if not paths:
            which = f"{name} " if subset == "both" else ""
            raise ValueError(f"No {which}audio files found in directory {directory}. Allowed format(s): {ALLOWED_FORMATS}")
        datasets.append(DirectoryDataset(
            paths, encoded, load, collate, batch_size, class_names, shuffle=shuffle and not (subset == "both" and name == "validation"), seed=seed,
        ))
    return tuple(datasets) if subset == "both" else datasets[0]
