"""Keras's regularization layers."""
