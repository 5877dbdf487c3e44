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
    "FollowUpPlan",
    "SurveyKiosk",
    "SurveyPeriod",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveySettings",
    "SurveyVersion",
]
