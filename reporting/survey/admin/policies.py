"""Permission policies of the survey models: what nobody may do, superusers included.

The unsur questions are fixed by PermenPAN-RB 14/2017 (never added or deleted); responses
are evidence and questionnaire versions are snapshots (never added, changed or deleted
through the admin).
"""

from django.contrib.auth import get_user_model
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from reporting.models import SurveyQuestion, SurveyResponse, SurveyVersion


class RestrictedActionsPolicy(ModelPermissionPolicy):
    """Model permissions, except ``never`` actions, which nobody (superusers included) has."""

    def __init__(self, model, *, never):
        super().__init__(model)
        self.never = frozenset(never)

    def user_has_permission(self, user, action):
        return action not in self.never and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action not in self.never]
        if not allowed:
            return get_user_model().objects.none()
        return super().users_with_any_permission(allowed)


def register_survey_permission_policies() -> None:
    """Called from ``ReportingConfig.ready()``: before any view asks for a policy."""
    # The nine unsur are fixed by regulation (created by migration 0002).
    register_permission_policy(
        SurveyQuestion, RestrictedActionsPolicy(SurveyQuestion, never={"add", "delete"})
    )
    # Responses are evidence: added only through paper entry, import, kiosk or tracking.
    register_permission_policy(
        SurveyResponse, RestrictedActionsPolicy(SurveyResponse, never={"add", "change", "delete"})
    )
    # Versions are snapshots written by ``survey_version_current``.
    register_permission_policy(
        SurveyVersion, RestrictedActionsPolicy(SurveyVersion, never={"add", "change", "delete"})
    )
