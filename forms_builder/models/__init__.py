from .access import AccessAction, AppendOnlyError, PersonalDataAccess
from .application import (
    Application,
    ApplicationEvent,
    Attachment,
    IssuanceSettings,
    NumberSequence,
)
from .form import FormField, FormVersion, ServiceForm
from .upload import PendingUpload

__all__ = [
    "AccessAction",
    "AppendOnlyError",
    "PersonalDataAccess",
    "Application",
    "ApplicationEvent",
    "Attachment",
    "FormField",
    "FormVersion",
    "IssuanceSettings",
    "NumberSequence",
    "PendingUpload",
    "ServiceForm",
]
