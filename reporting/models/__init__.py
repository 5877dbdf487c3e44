from .runs import (
    RelativePeriod,
    ReportFormat,
    ReportKind,
    ReportOutput,
    ReportRun,
    ReportSchedule,
    ReportSettings,
    ReportStatus,
    ScheduleFrequency,
)
from .survey import (
    FollowUpPlan,
    SurveyKiosk,
    SurveyPeriod,
    SurveyQuestion,
    SurveyResponse,
    SurveySettings,
    SurveyVersion,
)

__all__ = [
    "RelativePeriod",
    "ReportFormat",
    "ReportKind",
    "ReportOutput",
    "ReportRun",
    "ReportSchedule",
    "ReportSettings",
    "ReportStatus",
    "ScheduleFrequency",
    "FollowUpPlan",
    "SurveyKiosk",
    "SurveyPeriod",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveySettings",
    "SurveyVersion",
]
