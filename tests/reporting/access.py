"""Who reaches the staff URLs of reporting (read by the access matrix,
``tests/accounts/test_access_matrix.py``; the vocabulary is ``tests/access.py``)."""

from paten.accounts.constants import Role
from tests.access import model_rules, perm, roles


def crud(namespace: str, model: str, *, scoped: bool = False) -> dict:
    return model_rules(namespace, f"reporting.{model}", scoped=scoped)


MODELS = {
    "report_runs": "reporting.ReportRun",
    "report_runs:download": "reporting.ReportOutput",
    "evaluation_dashboard:correct": "reporting.IndicatorValue",
    "evaluation_evidence:download": "reporting.Evidence",
    "evaluation_verification": "reporting.IndicatorValue",
}

KWARGS = {"survey_import:template": {"file_format": "xlsx"}}

RULES = {
    # Satisfaction survey (SKM).
    **crud("survey_questions", "surveyquestion"),
    **crud("survey_periods", "surveyperiod"),
    **crud("survey_versions", "surveyversion"),
    **crud("survey_kiosks", "surveykiosk", scoped=True),
    **crud("survey_follow_up_plans", "followupplan", scoped=True),
    "survey_responses:*": perm("reporting.view_surveyresponse", scoped=True),
    # Suggestions are read where responses are (they leave the system only for the
    # follow-up's planners: reporting.survey.permissions).
    "survey_suggestions:*": perm("reporting.view_surveyresponse"),
    "survey_paper_entry:*": perm("reporting.add_surveyresponse"),
    "survey_import:*": perm("reporting.add_surveyresponse"),
    # Report runs and schedules: the role's permission, the run's kecamatan.
    "report_runs:*": perm("reporting.view_reportrun", scoped=True),
    "report_runs:request": perm("reporting.add_reportrun"),
    "report_runs:download": perm("reporting.view_reportoutput", scoped=True),
    **crud("report_schedules", "reportschedule", scoped=True),
    # Data exports: every staff user opens the page; each dataset asks its own rule.
    "reporting_exports:*": perm("wagtailadmin.access_admin"),
    # Kecamatan evaluation.
    **crud("evaluation_instruments", "evaluationinstrument"),
    **crud("evaluation_aspects", "evaluationaspect"),
    **crud("evaluation_periods", "evaluationperiod"),
    "evaluation_dashboard:*": roles(Role.ADMIN_PEMDA, Role.EVALUATOR, Role.CAMAT, Role.BACK_OFFICE),
    "evaluation_dashboard:correct": roles(Role.ADMIN_PEMDA),
    "evaluation_evidence:*": roles(Role.CAMAT, Role.BACK_OFFICE, scoped=True),
    "evaluation_evidence:download": roles(
        Role.CAMAT, Role.BACK_OFFICE, Role.EVALUATOR, Role.ADMIN_PEMDA, scoped=True
    ),
    "evaluation_verification:*": roles(Role.ADMIN_PEMDA, Role.EVALUATOR),
}
