"""Validation: every CSV against its Table Schema, references and rules; every problem told."""
