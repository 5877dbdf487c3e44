from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from paten.regions.constants import RegionLevel
from paten.regions.models import Region

from .constants import KECAMATAN_ROLES, ROLE_PAGE_PERMISSIONS, ROLE_PERMISSIONS, Role
from .models import StaffProfile
from .selectors import scope_cache_clear


def roles_sync_permissions() -> None:
    """Create the role groups if needed and give each exactly its listed permissions.

    Runs after every ``migrate`` (post_migrate), so that permissions of models added
    later are granted without a data migration per app.
    """
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        permissions = []
        for spec in ROLE_PERMISSIONS.get(role, ()):
            app_label, codename = spec.split(".", 1)
            query = Permission.objects.filter(content_type__app_label=app_label)
            if codename != "*":
                query = query.filter(codename=codename)
            permissions.extend(query)
        group.permissions.set(permissions)
        _sync_page_permissions(group, ROLE_PAGE_PERMISSIONS.get(role, ()))


def _sync_page_permissions(group: Group, permission_types: Iterable[str]) -> None:
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None:
        return
    for permission_type in permission_types:
        permission = Permission.objects.filter(
            content_type__app_label="wagtailcore", codename=f"{permission_type}_page"
        ).first()
        if permission is not None:
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


@transaction.atomic
def staff_assign(*, user, roles: Iterable[str], kecamatan: Iterable[Region | str], actor=None):
    """Give ``user`` exactly these roles and kecamatan, and record it in the audit chain.

    A kecamatan-bound role (camat, loket, back office) needs at least one kecamatan;
    every kecamatan must be a kecamatan-level region.
    """
    from paten.audit.services import audit_record

    roles = set(roles)
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError(_("Unknown role: %(roles)s") % {"roles": ", ".join(sorted(unknown))})
    codes = sorted({k.code if isinstance(k, Region) else str(k) for k in kecamatan})
    regions = list(Region.objects.filter(code__in=codes, level=RegionLevel.KECAMATAN))
    missing = set(codes) - {r.code for r in regions}
    if missing:
        raise ValidationError(
            _("These codes are not kecamatan: %(codes)s") % {"codes": ", ".join(sorted(missing))}
        )
    if roles & KECAMATAN_ROLES and not regions:
        raise ValidationError(_("A camat, front-office or back-office user needs a kecamatan."))

    user.groups.set(Group.objects.filter(name__in=roles))
    profile, _created = StaffProfile.objects.get_or_create(user=user)
    profile.kecamatan.set(regions)
    scope_cache_clear(user)
    audit_record(
        actor=actor,
        action="accounts.staff_assign",
        target=user,
        kecamatan=regions[0] if len(regions) == 1 else None,
        payload={"username": user.get_username(), "roles": sorted(roles), "kecamatan": codes},
    )
    return profile


def staff_create(
    *,
    username: str,
    password: str = "",
    roles: Iterable[str],
    kecamatan: Iterable[Region | str] = (),
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    actor=None,
    encoded_password: str = "",
):
    """A staff account with ``roles`` in ``kecamatan``.

    ``encoded_password`` (from ``make_password``) stands in for ``password`` when many
    accounts share one password, as the demo's do: hashing is slow on purpose, so it
    is done once for all of them.
    """
    if not (password or encoded_password):
        raise ValueError("staff_create needs a password or an encoded password")
    User = get_user_model()
    with transaction.atomic():
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
        if encoded_password:
            user.password = encoded_password
        else:
            user.set_password(password)
        user.full_clean()
        user.save()
        staff_assign(user=user, roles=roles, kecamatan=kecamatan, actor=actor)
    return user
