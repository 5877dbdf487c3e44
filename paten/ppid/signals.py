"""Signal receivers of the PPID domain, connected in ``PpidConfig.ready()``.

- A change of the working-day calendar (an override or the cuti bersama setting) moves
  the deadlines of open requests and objections, after the change commits.
- Publishing or unpublishing a DIP entry writes an audit event and bumps the public
  DIP cache generation; so does any change of what the public DIP pages show.
- Deleting a DIP entry removes its revisions (they are not linked by a relation).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import published, unpublished

from paten.workdays.models import CalendarOverride, CalendarSettings

from .models import ConsequenceTest, DipCategory, DipEntry, ExceptionGround, PpidSettings
from .selectors import dip_generation_bump


def calendar_changed(**kwargs) -> None:
    from .tasks import deadlines_recompute_task

    transaction.on_commit(deadlines_recompute_task.delay)


def dip_changed(**kwargs) -> None:
    dip_generation_bump()
    transaction.on_commit(dip_generation_bump)


def dip_entry_published(sender, instance, revision=None, user=None, **kwargs) -> None:
    from paten.audit.services import audit_record

    audit_record(
        actor=user,
        action="ppid.dip_publish",
        target=instance,
        kecamatan=instance.kecamatan_id,
        payload={"nomor": instance.number, "kelas": instance.information_class},
    )
    dip_changed()


def dip_entry_unpublished(sender, instance, user=None, **kwargs) -> None:
    from paten.audit.services import audit_record

    audit_record(
        actor=user,
        action="ppid.dip_unpublish",
        target=instance,
        kecamatan=instance.kecamatan_id,
        payload={"nomor": instance.number},
    )
    dip_changed()


def dip_entry_deleted(sender, instance, **kwargs) -> None:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Revision, WorkflowState

    content_type = ContentType.objects.get_for_model(DipEntry)
    Revision.objects.filter(base_content_type=content_type, object_id=str(instance.pk)).delete()
    WorkflowState.objects.filter(
        base_content_type=content_type, object_id=str(instance.pk)
    ).delete()
    dip_changed()


def connect() -> None:
    for model in (CalendarOverride, CalendarSettings):
        post_save.connect(calendar_changed, sender=model, dispatch_uid=f"ppid_cal_{model.__name__}")
        post_delete.connect(
            calendar_changed, sender=model, dispatch_uid=f"ppid_cal_del_{model.__name__}"
        )
    published.connect(dip_entry_published, sender=DipEntry, dispatch_uid="ppid_dip_published")
    unpublished.connect(dip_entry_unpublished, sender=DipEntry, dispatch_uid="ppid_dip_unpub")
    post_delete.connect(dip_entry_deleted, sender=DipEntry, dispatch_uid="ppid_dip_deleted")
    for model in (DipCategory, ConsequenceTest, ExceptionGround, PpidSettings):
        post_save.connect(dip_changed, sender=model, dispatch_uid=f"ppid_dip_{model.__name__}")
        post_delete.connect(
            dip_changed, sender=model, dispatch_uid=f"ppid_dip_del_{model.__name__}"
        )
