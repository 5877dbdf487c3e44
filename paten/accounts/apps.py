from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, plan=None, **kwargs):
    from django.apps import apps

    # ``flush`` sends post_migrate without a plan; a test's serialized rollback then
    # restores the groups itself, and creating them here would clash with it.
    if plan is None:
        return

    # post_migrate is sent once per app; act on the last one, when every app's
    # permissions exist.
    # (Django skips apps without a models module when it sends it.)
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not with_models[-1]:
        return
    from .services import roles_sync_permissions

    roles_sync_permissions()


class AccountsConfig(AppConfig):
    name = "paten.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        # Once per migrate run, after every app's permissions exist.
        post_migrate.connect(_sync_roles, dispatch_uid="paten.accounts.sync_roles")
