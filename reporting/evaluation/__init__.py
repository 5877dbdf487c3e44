"""Kecamatan evaluation (issue #7): admin-defined instruments, scoring and ranking."""
