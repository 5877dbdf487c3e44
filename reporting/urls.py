"""Public URLs of the survey and the IKM results (Indonesian paths, before Wagtail's pages)."""

app_name = "reporting"

urlpatterns: list = []
