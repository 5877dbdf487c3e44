"""PPID models: configuration, the public information list, requests and objections."""

from .config import (
    DipCategory,
    ExceptionGround,
    NumberSequence,
    PpidSettings,
    ReportNarrative,
    ResponseTemplate,
)
from .dip import ConsequenceTest, DipApprovalTask, DipDocument, DipEntry
from .requests import Dispute, InformationRequest, Objection, RequestEvent, RequestFile

__all__ = [
    "ConsequenceTest",
    "DipApprovalTask",
    "DipCategory",
    "DipDocument",
    "DipEntry",
    "Dispute",
    "ExceptionGround",
    "InformationRequest",
    "NumberSequence",
    "Objection",
    "PpidSettings",
    "ReportNarrative",
    "RequestEvent",
    "RequestFile",
    "ResponseTemplate",
]
