"""Reusable widgets and formatting helpers."""
