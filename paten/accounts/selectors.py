"""The one scoping selector: which kecamatan a staff user may see.

Every staff list, export, API and file view filters through
``kecamatan_scope_for(user)``; nothing else decides who sees what.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .constants import KECAMATAN_ROLES, Role

_CACHE_ATTR = "_paten_kecamatan_scope"
_ROLES_ATTR = "_paten_roles"


@dataclass(frozen=True)
class KecamatanScope:
    is_pemda_wide: bool
    codes: frozenset[str]

    @property
    def is_empty(self) -> bool:
        return not self.is_pemda_wide and not self.codes

    def allows(self, code: str | None) -> bool:
        """Whether a kecamatan code (or anything below it) is inside the scope."""
        if self.is_pemda_wide:
            return True
        if not code:
            return False
        return any(code == c or code.startswith(f"{c}.") for c in self.codes)

    def filter(self, queryset: QuerySet, field: str = "kecamatan") -> QuerySet:
        """Rows whose ``field`` (a FK to a kecamatan Region) is inside the scope.

        Rows with no kecamatan at all are pemda-wide records: only pemda-wide
        users see them.
        """
        if self.is_pemda_wide:
            return queryset
        return queryset.filter(**{f"{field}__in": self.codes})

    def filter_regions(self, queryset: QuerySet) -> QuerySet:
        """Regions a user may browse: their kecamatan, what lies below, and the ancestors."""
        if self.is_pemda_wide:
            return queryset
        if not self.codes:
            return queryset.none()
        ancestors = {code.rsplit(".", depth)[0] for code in self.codes for depth in (1, 2)}
        condition = Q(code__in=self.codes | ancestors)
        for code in self.codes:
            condition |= Q(code__startswith=f"{code}.")
        return queryset.filter(condition)


NOTHING = KecamatanScope(is_pemda_wide=False, codes=frozenset())
EVERYTHING = KecamatanScope(is_pemda_wide=True, codes=frozenset())


def kecamatan_scope_for(user) -> KecamatanScope:
    """The kecamatan ``user`` may see; computed once per user object.

    - anonymous or inactive users: nothing;
    - superusers: everything;
    - users assigned to kecamatan: exactly those kecamatan;
    - users with no kecamatan: pemda-wide, but only when they hold a staff role and
      none of the kecamatan-bound roles (a camat without a kecamatan sees nothing,
      so a forgotten assignment fails closed).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def _compute_scope(user) -> KecamatanScope:
    if user.is_superuser:
        return EVERYTHING
    codes = frozenset(
        user.staff_profile.kecamatan.values_list("code", flat=True)
        if hasattr(user, "staff_profile")
        else ()
    )
    if codes:
        return KecamatanScope(is_pemda_wide=False, codes=codes)
    roles = roles_of(user)
    if roles and not roles & KECAMATAN_ROLES:
        return EVERYTHING
    return NOTHING


def roles_of(user) -> set[str]:
    """The staff roles of ``user``; read once per user object (a request's user asks many
    times: every menu item, panel and permission rule of an admin page), like Django's
    own permission cache, and forgotten by ``scope_cache_clear``."""
    cached = getattr(user, _ROLES_ATTR, None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        setattr(user, _ROLES_ATTR, cached)
    return set(cached)


def scope_cache_clear(user) -> None:
    for attr in (_CACHE_ATTR, _ROLES_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def log_entries_visible_to(user, log_model) -> QuerySet:
    """Wagtail log entries (site history) of objects ``user`` may see.

    Wagtail shows an entry to anyone holding a permission on the object's model; here a
    user bound to kecamatan sees, of the generic log, only entries about objects of
    kecamatan-owned models inside their scope (``policies.scoped_policies``), so neither
    another kecamatan's objects nor the staff who edited them show. Page entries follow
    Wagtail's page permissions; pemda-wide users see what Wagtail shows.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry, PageLogEntry

    from .policies import scoped_policies

    entries = log_model.objects.viewable_by_user(user)
    scope = kecamatan_scope_for(user)
    if scope.is_pemda_wide or issubclass(log_model, PageLogEntry):
        return entries
    if not issubclass(log_model, ModelLogEntry):
        return entries.none()  # a log model we do not know how to scope: fail closed
    condition = Q(pk__in=[])
    for model, policy in scoped_policies().items():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        visible = policy.scope(scope, model._default_manager.all())
        object_ids = visible.annotate(_pk_text=pk_as_text(model)).values("_pk_text")
        condition |= Q(content_type=content_type, object_id__in=object_ids)
    return entries.filter(condition)


def pk_as_text(model):
    """An expression equal to ``str(obj.pk)``, the form Wagtail logs ``object_id`` in."""
    from django.db import connection
    from django.db.models import CharField, UUIDField, Value
    from django.db.models.functions import Cast, Concat, Substr

    pk = model._meta.pk
    if isinstance(pk, UUIDField) and connection.vendor != "postgresql":
        # Stored as 32 hex digits without hyphens (Django's UUIDField on SQLite).
        parts = [(1, 8), (9, 4), (13, 4), (17, 4), (21, 12)]
        pieces = []
        for start, length in parts:
            if pieces:
                pieces.append(Value("-"))
            pieces.append(Substr(pk.attname, start, length))
        return Concat(*pieces, output_field=CharField())
    return Cast(pk.attname, output_field=CharField())
