from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        # The report kinds of this app register themselves with the registry.
        import reporting.reports.kinds  # noqa: F401
        from reporting.survey.admin.policies import register_survey_permission_policies

        register_survey_permission_policies()
