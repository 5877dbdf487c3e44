"""Signals of the regions app, for the apps above it."""

from django.dispatch import Signal

#: Sent after a region import (not a dry run) has committed without errors. The import
#: writes in bulk, so no model signal tells the apps that show region names.
regions_imported = Signal()
