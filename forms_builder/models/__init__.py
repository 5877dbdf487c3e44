from .application import (
    Application,
    ApplicationEvent,
    Attachment,
    IssuanceSettings,
    NumberSequence,
)
from .form import FormField, FormVersion, ServiceForm

__all__ = [
    "Application",
    "ApplicationEvent",
    "Attachment",
    "FormField",
    "FormVersion",
    "IssuanceSettings",
    "NumberSequence",
    "ServiceForm",
]
