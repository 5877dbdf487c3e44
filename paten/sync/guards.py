"""Who may write what (docs/sync.md §2): one owner per partition, configuration from the centre.

``check_write`` runs before every save and delete of a synced model (``signals.py``):

- at an enrolled instance, configuration is read-only (``ConfigurationReadOnly``), and
  after the final bundle everything synced is (``PartitionReadOnly``);
- at the central, the records of a kecamatan owned by an active offline instance are
  read-only (``PartitionReadOnly``).

The importer writes inside ``importing()``, the only way past the guard. Both errors are
``ValidationError``s, so services' callers show them like any refused input, and the
middleware turns one that escapes a view into a message instead of an error page.
"""

import contextlib
import contextvars

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import identity, registry

_IMPORTING = contextvars.ContextVar("paten_sync_importing", default=False)


class ReadOnlyError(ValidationError):
    pass


class ConfigurationReadOnly(ReadOnlyError):
    pass


class PartitionReadOnly(ReadOnlyError):
    pass


@contextlib.contextmanager
def importing():
    token = _IMPORTING.set(True)
    try:
        yield
    finally:
        _IMPORTING.reset(token)


def is_importing() -> bool:
    return _IMPORTING.get()


def _kecamatan_name(code: str | None) -> str:
    from paten.regions.models import Region

    name = Region.objects.filter(code=code).values_list("name", flat=True).first()
    return name or code or "?"


def _kecamatan_of(obj, spec: registry.Spec) -> str | None:
    value = obj
    parts = spec.kecamatan_path.split("__")
    for part in parts[:-1]:
        value = getattr(value, part, None)
        if value is None:
            return None
    return getattr(value, parts[-1], None)


def configuration_message(code: str | None) -> str:
    return _(
        "Configuration is managed by the pemda on the central server and can only be changed "
        "there; this offline instance of Kecamatan %(name)s receives it in bundles."
    ) % {"name": _kecamatan_name(code)}


def partition_message(code: str | None) -> str:
    return _(
        "Kecamatan %(name)s is served by an offline instance: its records can only be "
        "changed on the kecamatan's laptop until it is handed back. They are shown here as "
        "they arrived in its last bundle."
    ) % {"name": _kecamatan_name(code)}


def handed_back_message() -> str:
    return _(
        "This offline instance has been handed back to the central: its data can no longer "
        "be changed here. Work continues on the central server."
    )


def check_write(obj, *, update_fields=None) -> None:
    if _IMPORTING.get():
        return
    own = identity.ownership()
    if not own.is_instance and not own.offline:
        return  # a central without offline kecamatan: nothing to guard
    spec = registry.spec_for_object(obj)
    if spec is None:
        return
    if own.is_instance:
        if own.handed_back:
            raise PartitionReadOnly(handed_back_message())
        if spec.group == registry.CONFIGURATION:
            if spec.label == "auth.user" and update_fields and set(update_fields) <= {"last_login"}:
                return  # logging in records the time on the user row
            raise ConfigurationReadOnly(configuration_message(own.instance_kecamatan))
        code = _kecamatan_of(obj, spec)
        if code is not None and code != own.instance_kecamatan:
            raise PartitionReadOnly(partition_message(code))
        return
    if spec.group == registry.PARTITION:
        code = _kecamatan_of(obj, spec)
        if code in own.offline:
            raise PartitionReadOnly(partition_message(code))


def check_m2m(instance) -> None:
    check_write(instance)
