"""Recording unmasked reads of personal data (``PersonalDataAccess``).

Each is written in the request's own transaction, before the data leaves: showing an
application's personal fields, downloading an attachment, exporting unmasked rows
(one event per data subjects' kecamatan, with the reason the user typed).
UU 27/2022 (Pelindungan Data Pribadi); see docs/domain/personal-data.md.
"""

from django.db.models import Count, QuerySet

from ..models import AccessAction, Application, PersonalDataAccess

#: Longest stored detail (the model's column).
DETAIL_LENGTH = 500


def _event(*, actor, action: str, kecamatan_id, application=None, detail="", reason=""):
    return PersonalDataAccess(
        actor=actor,
        actor_username=actor.get_username(),
        action=action,
        application=application,
        tracking_code=application.tracking_code if application is not None else "",
        kecamatan_id=kecamatan_id,
        detail=detail[:DETAIL_LENGTH],
        reason=reason,
    )


def personal_data_view_record(
    *, actor, application: Application, fields: list[str]
) -> PersonalDataAccess:
    """``actor`` was shown the personal ``fields`` (labels) of ``application``."""
    event = _event(
        actor=actor,
        action=AccessAction.VIEWED,
        kecamatan_id=application.kecamatan_id,
        application=application,
        detail=", ".join(fields),
    )
    event.save()
    return event


def personal_data_download_record(*, actor, attachment) -> PersonalDataAccess:
    """``actor`` downloaded ``attachment`` (a document of an application)."""
    application = attachment.application
    event = _event(
        actor=actor,
        action=AccessAction.DOWNLOADED,
        kecamatan_id=application.kecamatan_id,
        application=application,
        detail=attachment.required_document_key,
    )
    event.save()
    return event


def personal_data_export_record(
    *, actor, applications: QuerySet, reason: str, detail: str = ""
) -> list[PersonalDataAccess]:
    """``actor`` exported ``applications`` unmasked, for ``reason``: one event per
    kecamatan of the rows (each camat sees the export of their citizens' data)."""
    rows = (
        applications.order_by()
        .values_list("kecamatan_id")
        .annotate(n=Count("pk"))
        .values_list("kecamatan_id", "n")
    )
    events = [
        _event(
            actor=actor,
            action=AccessAction.EXPORTED,
            kecamatan_id=kecamatan_id,
            detail=f"{detail} ({count})" if detail else str(count),
            reason=reason,
        )
        for kecamatan_id, count in sorted(rows)
    ]
    return PersonalDataAccess.objects.bulk_create(events)
