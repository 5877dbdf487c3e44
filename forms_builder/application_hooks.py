"""Transitional: reporting's export permissions still read WORKFLOW_ROLES from here; it
lives in ``forms_builder.permissions``. Registers nothing."""

from .permissions import WORKFLOW_ROLES  # noqa: F401
