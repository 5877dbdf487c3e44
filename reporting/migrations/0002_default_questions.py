"""The nine unsur questions with the standard wording (docs/domain/skm-ikm.md, the nine unsur); admins edit them."""

from django.db import migrations

# The defaults live in reporting.survey.constants; get_or_create leaves edited rows alone.
from reporting.survey.constants import DEFAULT_QUESTIONS


def create_questions(apps, schema_editor):
    SurveyQuestion = apps.get_model("reporting", "SurveyQuestion")
    for key, (text, labels) in DEFAULT_QUESTIONS.items():
        SurveyQuestion.objects.get_or_create(
            unsur=key,
            defaults={
                "text": text,
                "label_1": labels[0],
                "label_2": labels[1],
                "label_3": labels[2],
                "label_4": labels[3],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(create_questions, migrations.RunPython.noop)]
