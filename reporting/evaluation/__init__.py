"""Kecamatan evaluation: admin-defined instruments, scoring and ranking."""
