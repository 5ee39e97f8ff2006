"""Keras's merging layers."""
