"""Records as bundle lines: canonical JSON both ways, with foreign keys made portable.

A line is ``{"key": …, "v": counter, "f": {field: value}}`` (or ``"deleted": true``).
Values: datetimes in UTC ISO-8601 with microseconds, dates ISO, decimals and UUIDs as
strings, JSON fields as they are, file fields as their name. Foreign keys: to a user
its username, to a content type ``app_label.model``, to a group its name, to a mapped or
natural partition record its sync key; everything else its primary key. Many-to-many
fields are sorted lists of the same. The digest of a record (what the outbox compares)
is SHA-256 of its canonical ``f`` object, so both sides compute the same digest from
the same row.
"""

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import registry


def canonical(document) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def digest(fields: dict) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def plain(value):
    """A Python value from the database as JSON."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def fields_of(spec: registry.Spec) -> list[models.Field]:
    """The concrete fields of the model's own table that travel (not the primary key of
    a mapped or natural record, which is local)."""
    model = spec.model
    skip = set(spec.exclude)
    out = []
    for f in model._meta.local_concrete_fields:
        if f.name in skip:
            continue
        if f.primary_key and spec.key != registry.PK:
            continue
        out.append(f)
    return out


def m2m_of(spec: registry.Spec) -> list[models.ManyToManyField]:
    skip = set(spec.exclude)
    return [f for f in spec.model._meta.local_many_to_many if f.name not in skip]


class Portable:
    """Caches to make foreign keys portable (export) and local again (import).

    Users, content types and groups are few; mapped and natural keys are looked up per
    chunk with ``prefetch``.
    """

    def __init__(self, *, installation_id: str):
        self.installation_id = installation_id
        self._usernames: dict | None = None
        self._user_ids: dict | None = None
        self._ct_labels: dict[int, str] = {}
        self._ct_ids: dict[str, int] = {}
        self._group_names: dict | None = None
        self._group_ids: dict | None = None
        # model label -> {local pk (str): sync key} and back
        self._keys: dict[str, dict[str, str]] = {}
        self._locals: dict[str, dict[str, str]] = {}

    # -- users, content types, groups --------------------------------------------------
    def username(self, user_id):
        if self._usernames is None:
            self._usernames = dict(
                get_user_model()._base_manager.values_list("pk", get_user_model().USERNAME_FIELD)
            )
        return self._usernames.get(user_id)

    def user_id(self, username):
        if self._user_ids is None:
            User = get_user_model()
            self._user_ids = dict(User._base_manager.values_list(User.USERNAME_FIELD, "pk"))
        return self._user_ids.get(username)

    def forget_users(self) -> None:
        self._usernames = self._user_ids = None

    def ct_label(self, ct_id):
        if ct_id not in self._ct_labels:
            ct = ContentType.objects.get_for_id(ct_id)
            self._ct_labels[ct_id] = f"{ct.app_label}.{ct.model}"
        return self._ct_labels[ct_id]

    def ct_id(self, label):
        if label not in self._ct_ids:
            app_label, model = label.split(".", 1)
            self._ct_ids[label] = ContentType.objects.get_by_natural_key(app_label, model).pk
        return self._ct_ids[label]

    def group_name(self, group_id):
        if self._group_names is None:
            self._group_names = dict(Group.objects.values_list("pk", "name"))
        return self._group_names.get(group_id)

    def group_id(self, name):
        if self._group_ids is None:
            self._group_ids = dict(Group.objects.values_list("name", "pk"))
        return self._group_ids.get(name)

    # -- mapped and natural keys -------------------------------------------------------
    def sync_keys(self, spec: registry.Spec, local_pks: Iterable) -> dict[str, str]:
        """Sync keys of local records, creating ``RecordKey`` rows for new mapped ones."""
        from .models import RecordKey

        wanted = {str(pk) for pk in local_pks if pk is not None}
        known = self._keys.setdefault(spec.label, {})
        missing = wanted - set(known)
        if not missing:
            return known
        if spec.key == registry.NATURAL:
            rows = spec.model._base_manager.filter(pk__in=missing).values_list(
                "pk", *[spec.model._meta.get_field(n).attname for n in spec.natural]
            )
            for pk, *natural in rows:
                known[str(pk)] = natural_key(natural)
            return known
        found = dict(
            RecordKey.objects.filter(model=spec.label, local_pk__in=missing).values_list(
                "local_pk", "key"
            )
        )
        new = [
            RecordKey(model=spec.label, key=f"{self.installation_id}:{pk}", local_pk=pk)
            for pk in missing - set(found)
        ]
        RecordKey.objects.bulk_create(new)
        found.update({row.local_pk: row.key for row in new})
        known.update(found)
        return known

    def local_pks(self, spec: registry.Spec, keys: Iterable[str]) -> dict[str, str]:
        """Local primary keys of sync keys (those that exist here)."""
        from .models import RecordKey

        wanted = {k for k in keys if k is not None}
        known = self._locals.setdefault(spec.label, {})
        missing = wanted - set(known)
        if missing and spec.key == registry.NATURAL:
            for key in missing:
                values = parse_natural(spec, key)
                pk = spec.model._base_manager.filter(**values).values_list("pk", flat=True).first()
                if pk is not None:
                    known[key] = str(pk)
        elif missing:
            known.update(
                RecordKey.objects.filter(model=spec.label, key__in=missing).values_list(
                    "key", "local_pk"
                )
            )
        return known

    def remember(self, spec: registry.Spec, key: str, local_pk) -> None:
        self._locals.setdefault(spec.label, {})[key] = str(local_pk)
        self._keys.setdefault(spec.label, {})[str(local_pk)] = key


def natural_key(values: Iterable) -> str:
    return "|".join(str(plain(v)) for v in values)


def parse_natural(spec: registry.Spec, key: str) -> dict:
    parts = key.split("|")
    if len(parts) != len(spec.natural):
        raise ValueError(f"{spec.label}: bad natural key {key!r}")
    out = {}
    for name, text in zip(spec.natural, parts, strict=True):
        f = spec.model._meta.get_field(name)
        target = f.target_field if f.is_relation else f
        out[f.attname] = target.to_python(text)
    return out


def _target_kind(f: models.Field):
    """How a relation to ``f``'s target is written: user, ct, group, a spec, or pk."""
    target = f.related_model
    if target is get_user_model():
        return "user"
    if target is ContentType:
        return "ct"
    if target is Group:
        return "group"
    spec = registry.key_kind_for_model(target)
    if spec is not None:
        return spec
    return "pk"


class _Codec:
    """The fields of one spec that travel, and how each relation's target is written."""

    def __init__(self, spec: registry.Spec, portable: Portable):
        self.spec = spec
        self.portable = portable
        self.fields = fields_of(spec)
        self.m2m = m2m_of(spec)
        self.kinds = {f.attname: _target_kind(f) for f in self.fields if f.is_relation}


class Encoder(_Codec):
    """Turns rows of one spec into ``f`` objects, a chunk at a time."""

    def __init__(self, spec: registry.Spec, portable: Portable):
        super().__init__(spec, portable)
        self.m2m_kinds = {f.name: _target_kind(f) for f in self.m2m}
        self.attnames = [f.attname for f in self.fields]
        self.converters = {f.attname: _converter(f) for f in self.fields}

    def encode_chunk(self, rows: list[tuple], pks: list) -> list[dict]:
        """``rows`` are ``values_list(*attnames)`` tuples, ``pks`` their primary keys."""
        translations = {}
        for attname, kind in self.kinds.items():
            if isinstance(kind, registry.Spec):
                index = self.attnames.index(attname)
                translations[attname] = self.portable.sync_keys(kind, [r[index] for r in rows])
        m2m_values = {f.name: self._m2m_chunk(f, pks) for f in self.m2m}
        out = []
        for row, pk in zip(rows, pks, strict=True):
            document = {}
            for attname, value in zip(self.attnames, row, strict=True):
                kind = self.kinds.get(attname)
                if value is None:
                    document[attname] = None
                elif kind is None:
                    document[attname] = self.converters[attname](value)
                elif kind == "user":
                    document[attname] = self.portable.username(value)
                elif kind == "ct":
                    document[attname] = self.portable.ct_label(value)
                elif kind == "group":
                    document[attname] = self.portable.group_name(value)
                elif isinstance(kind, registry.Spec):
                    document[attname] = translations[attname].get(str(value))
                else:
                    document[attname] = plain(value)
            for name, values in m2m_values.items():
                document[name] = sorted(values.get(pk, []), key=str)
            out.append(document)
        return out

    def _m2m_chunk(self, f: models.ManyToManyField, pks: list) -> dict:
        through = f.remote_field.through
        source = f.m2m_field_name()
        target = f.m2m_reverse_field_name()
        kind = self.m2m_kinds[f.name]
        result: dict = {}
        rows = through._base_manager.filter(**{f"{source}__in": pks}).values_list(
            f"{source}_id", f"{target}_id"
        )
        for source_pk, target_pk in rows:
            if kind == "user":
                value = self.portable.username(target_pk)
            elif kind == "group":
                value = self.portable.group_name(target_pk)
            else:
                value = plain(target_pk)
            result.setdefault(source_pk, []).append(value)
        return result


class Decoder(_Codec):
    """Turns ``f`` objects of one spec back into local attribute values."""

    def __init__(self, spec: registry.Spec, portable: Portable):
        super().__init__(spec, portable)
        self.by_attname = {f.attname: f for f in self.fields}

    def references(self, documents: list[dict]) -> dict[str, list]:
        """Per mapped/natural foreign key, the sync keys the chunk refers to."""
        refs = {}
        for attname, kind in self.kinds.items():
            if isinstance(kind, registry.Spec):
                refs[attname] = [d.get(attname) for d in documents]
        return refs

    def decode(self, document: dict, translations: dict[str, dict]) -> tuple[dict, list]:
        """``(attribute values, problems)``; a problem is ``(attname, value)`` that does
        not resolve here (a missing reference)."""
        values = {}
        problems = []
        for attname, f in self.by_attname.items():
            if attname not in document:
                problems.append((attname, "(absent)"))
                continue
            raw = document[attname]
            kind = self.kinds.get(attname)
            if raw is None:
                values[attname] = None
                continue
            if kind is None:
                values[attname] = _to_python(f, raw)
                continue
            if kind == "user":
                local = self.portable.user_id(raw)
            elif kind == "ct":
                try:
                    local = self.portable.ct_id(raw)
                except ContentType.DoesNotExist:
                    local = None
            elif kind == "group":
                local = self.portable.group_id(raw)
            elif isinstance(kind, registry.Spec):
                local = translations.get(attname, {}).get(raw)
                local = f.target_field.to_python(local) if local is not None else None
            else:
                local = f.target_field.to_python(raw)
            if local is None:
                problems.append((attname, raw))
            values[attname] = local
        return values, problems

    def m2m_values(self, document: dict) -> dict[str, list]:
        out = {}
        for f in self.m2m:
            kind = _target_kind(f)
            raw = document.get(f.name) or []
            if kind == "user":
                out[f.name] = [self.portable.user_id(v) for v in raw]
            elif kind == "group":
                out[f.name] = [g for g in (self.portable.group_id(v) for v in raw) if g]
            else:
                out[f.name] = list(raw)
        return out


def _converter(f: models.Field):
    from wagtail.fields import StreamField

    if isinstance(f, StreamField):
        return f.get_prep_value
    return plain


def _to_python(f: models.Field, raw):
    if isinstance(f, models.JSONField):
        return raw
    if isinstance(f, models.FileField):
        return raw
    return f.to_python(raw)
