"""Deterministic demo data: the seed documents' sample records plus synthetic consumers.

``build(url, consumers=..., seed=..., as_of=...)`` loads an empty database; the CLI's
``cso-tui demo`` calls it. Heavy imports stay inside the build module.
"""

from cso_tui.demo.builder import BuildReport, build

__all__ = ["BuildReport", "build"]
