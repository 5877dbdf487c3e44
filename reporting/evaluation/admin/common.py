"""What the evaluation admin pages share: their URL names and how a service's answer
reads on a page."""

from collections.abc import Callable

from django.contrib import messages

from reporting.evaluation.services import EvaluationError

DASHBOARD = "evaluation_dashboard"
EVIDENCE = "evaluation_evidence"
VERIFICATION = "evaluation_verification"
PERIODS = "evaluation_periods"


def error_text(error: EvaluationError) -> str:
    return " ".join(error.messages)


def saved_through(request, form, write: Callable[[], object], *, success: str) -> bool:
    """Call ``write`` (a service); a refusal goes on ``form``, a success to the messages."""
    try:
        write()
    except EvaluationError as error:
        form.add_error(None, error.messages)
        return False
    messages.success(request, success)
    return True
