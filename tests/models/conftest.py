"""Fixtures shared by the model-backend tests (defined in model_fixtures.py)."""

from model_fixtures import sample, vlm_server

__all__ = ["sample", "vlm_server"]
