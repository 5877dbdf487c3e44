"""Receivers that guard every write to a synced model (``guards.check_write``), and
those that keep a request's reading of the ownership for the request."""

from django.core.signals import request_finished, request_started
from django.db.models.signals import m2m_changed, pre_delete, pre_save


def _on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    from . import guards

    if raw:
        return  # fixtures and the importer's raw saves
    guards.check_write(instance, update_fields=update_fields)


def _on_delete(sender, instance, **kwargs):
    from . import guards

    guards.check_write(instance)


def _on_m2m(sender, instance, action, **kwargs):
    from . import guards

    if action in ("pre_add", "pre_remove", "pre_clear"):
        guards.check_write(instance)


def _on_request_started(sender, **kwargs):
    from . import identity

    identity.request_memo_start()


def _on_request_finished(sender, **kwargs):
    from . import identity

    identity.request_memo_end()


def connect() -> None:
    from django.apps import apps

    from . import registry

    request_started.connect(_on_request_started, dispatch_uid="paten_sync_ownership_start")
    request_finished.connect(_on_request_finished, dispatch_uid="paten_sync_ownership_end")

    models = set()
    for spec in registry.ALL_SPECS:
        model = apps.get_model(spec.label)
        models.add(model)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _on_m2m,
                sender=field.remote_field.through,
                dispatch_uid=f"paten_sync_m2m_{spec.label}_{field.name}",
            )
    # Subclasses of a synced model (every Wagtail page type) send their own signals.
    for model in apps.get_models():
        if model in models or any(parent in models for parent in model._meta.get_parent_list()):
            pre_save.connect(
                _on_save, sender=model, dispatch_uid=f"paten_sync_save_{model._meta.label_lower}"
            )
            pre_delete.connect(
                _on_delete,
                sender=model,
                dispatch_uid=f"paten_sync_delete_{model._meta.label_lower}",
            )
