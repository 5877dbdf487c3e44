"""What the evaluation admin pages share: their URL names and how a refusal reads."""

from reporting.evaluation.services import EvaluationError

DASHBOARD = "evaluation_dashboard"
EVIDENCE = "evaluation_evidence"
VERIFICATION = "evaluation_verification"
PERIODS = "evaluation_periods"


def error_text(error: EvaluationError) -> str:
    return " ".join(error.messages)
