"""Console output shared by the progress bar, the callbacks and model summaries.

Everything user-facing goes through `print_msg`, so that
`kerasbridge.config.disable_interactive_logging()` reroutes it to the Python logger
named ``"kerasbridge"`` (at INFO level) instead of stdout, as Keras reroutes to absl.
"""

from __future__ import annotations

import logging
import sys

from kerasbridge import config

_logger = logging.getLogger("kerasbridge")

# The bar glyph that legacy consoles (cp1252 and the like) cannot encode.
_BAR_GLYPH = "\u2501"


def _write_to_stdout(text: str) -> None:
    stream = sys.stdout
    try:
        stream.write(text)
    except UnicodeEncodeError:
        # Fall back to the Keras 2 look ("=") and drop anything else the console cannot encode.
        encoding = getattr(stream, "encoding", None) or "utf-8"
        text = text.replace(_BAR_GLYPH, "=")
        stream.write(text.encode(encoding, errors="ignore").decode(encoding))
    stream.flush()


def print_msg(message, line_break: bool = True) -> None:
    """Print `message` to stdout, or log it when interactive logging is disabled.

    Args:
        message: Anything; it is converted with `str`.
        line_break: Whether to end the printed text with a newline (stdout only).
    """
    text = str(message)
    if config.is_interactive_logging_enabled():
        _write_to_stdout(text + "\n" if line_break else text)
    else:
        _logger.info(text)


def ask_to_proceed_with_overwrite(filepath) -> bool:
    """Ask on stdin whether `filepath` may be overwritten.

    Returns:
        `True` when the user answered "y", `False` when they answered "n".
    """
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print_msg("[TIP] Next time specify overwrite=True!")
    return True


__all__ = ["ask_to_proceed_with_overwrite", "print_msg"]
